import Testing
@testable import IntakeVoice

@Suite("Word posteriors: the lattice's links summed over a word's pronunciations and ends")
struct WordPosteriorsTests {
    @Test func linksOfOneWordAcrossItsMiddleFrameAddUp() {
        // "four" and "four(2)" ending at two frames: four links, one word.
        let posteriors = WordPosteriors([
            .init(word: "four", startFrame: 10, endFrame: 30, posterior: 0.4),
            .init(word: "four", startFrame: 10, endFrame: 32, posterior: 0.2),
            .init(word: "four", startFrame: 11, endFrame: 30, posterior: 0.25),
            .init(word: "fourteen", startFrame: 10, endFrame: 40, posterior: 0.15),
        ])
        #expect(abs(posteriors.posterior(of: "four", start: 10, end: 31) - 0.85) < 1e-9)
        #expect(abs(posteriors.posterior(of: "fourteen", start: 10, end: 41) - 0.15) < 1e-9)
    }

    @Test func linksElsewhereInTheUtteranceDoNotCount() {
        let posteriors = WordPosteriors([
            .init(word: "four", startFrame: 10, endFrame: 30, posterior: 0.9),
            .init(word: "four", startFrame: 80, endFrame: 100, posterior: 0.7),
        ])
        #expect(abs(posteriors.posterior(of: "four", start: 80, end: 101) - 0.7) < 1e-9)
        #expect(posteriors.posterior(of: "four", start: 50, end: 60) == 0)
        #expect(posteriors.posterior(of: "forty", start: 10, end: 31) == 0)
    }

    @Test func roundingInTheLatticeNeverMakesAWordSurerThanCertain() {
        let posteriors = WordPosteriors([
            .init(word: "six", startFrame: 0, endFrame: 20, posterior: 0.7),
            .init(word: "six", startFrame: 0, endFrame: 21, posterior: 0.3001),
        ])
        #expect(posteriors.posterior(of: "six", start: 0, end: 21) == 1)
    }
}
