import CFFTW
import CLeptonica
import CPocketSphinx
import CTesseract
import Testing

/// The modality targets build on these four system modules; this proves each one is found
/// through pkg-config, links, and answers a real call on this machine.
@Suite struct SystemLibraryLinkTests {
    @Test func pocketSphinxExposesItsArgumentTable() {
        #expect(ps_args() != nil)
    }

    @Test func tesseractReportsVersionFive() throws {
        let version = String(cString: try #require(TessVersion()))
        #expect(version.hasPrefix("5."))
    }

    @Test func leptonicaCreatesAndDestroysAnImage() throws {
        var pix: UnsafeMutablePointer<PIX>? = pixCreate(64, 32, 8)
        #expect(pixGetWidth(pix) == 64)
        pixDestroy(&pix)
        #expect(pix == nil)
    }

    @Test func fftwTransformsAnImpulseToAFlatSpectrum() {
        let n: Int32 = 16
        let input = fftw_alloc_real(Int(n))!
        let output = fftw_alloc_complex(Int(n / 2 + 1))!
        defer { fftw_free(input); fftw_free(output) }
        let plan = fftw_plan_dft_r2c_1d(n, input, output, UInt32(FFTW_ESTIMATE))
        defer { fftw_destroy_plan(plan) }
        for i in 0..<Int(n) { input[i] = i == 0 ? 1 : 0 }
        fftw_execute(plan)
        for k in 0..<Int(n / 2 + 1) {
            #expect(abs(output[k].0 - 1) < 1e-12 && abs(output[k].1) < 1e-12)
        }
    }

    @Test func singlePrecisionFFTWLinks() {
        let buffer = fftwf_alloc_real(8)
        #expect(buffer != nil)
        fftwf_free(buffer)
    }
}
