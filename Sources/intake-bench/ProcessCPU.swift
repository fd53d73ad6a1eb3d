import Foundation

/// CPU seconds (user + system) this process has used so far: throughput on a shared VM swings
/// by a fifth from run to run, CPU time per item much less, so benches print both.
func processCPUSeconds() -> Double {
    usageCPUSeconds(RUSAGE_SELF.rawValue)
}

/// CPU seconds (user + system) of this process's children that have exited and been waited
/// for: a load generator's, once it has.
func childrenCPUSeconds() -> Double {
    usageCPUSeconds(RUSAGE_CHILDREN.rawValue)
}

private func usageCPUSeconds(_ who: Int32) -> Double {
    var usage = rusage()
    getrusage(who, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// CPU seconds (user + system) process `pid` has used so far, from /proc (0 off Linux).
func processCPUSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    // After "pid (comm)": state is field 3, utime and stime fields 14 and 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Ticks the hypervisor gave other guests (`steal` in /proc/stat, all CPUs) and all ticks so
/// far: their change over a run says how much of the machine was not ours. Nil off Linux.
func machineStealTicks() -> (steal: Double, total: Double)? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
    let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard fields.count >= 8 else { return nil }
    return (fields[7], fields.prefix(8).reduce(0, +))
}
