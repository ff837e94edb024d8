import Foundation
import WorkerVoice

/// The surveys open to the signed-in worker (`openSurveys`): content is
/// fetched first when the hub is in reach (a survey not yet on the device
/// shows as such); which can be answered is the core's say.
@MainActor
final class SurveysState: ObservableObject {
    /// What the list of surveys shows.
    struct UI {
        var surveys: [OpenSurveyView] = []
        /// Ids of surveys with answers saved to finish later.
        var started: Set<String> = []
        var loading = true
        var error: String?
    }

    @Published private(set) var ui = UI()

    init(core: WorkerVoiceApp, strings: Strings) {
        Task {
            // New surveys arrive with the content sync; without a connection, show what is here.
            _ = try? await core.syncContent()
            do {
                let surveys = try await core.openSurveys()
                let ids = surveys.map(\.id)
                let started = await offMainNoThrow {
                    Set(ids.filter { id in (try? core.loadDraft(name: surveyDraftName(id))) != nil })
                }
                ui = UI(surveys: surveys, started: started, loading: false)
            } catch {
                ui = UI(loading: false, error: failureMessage(error, strings))
            }
        }
    }
}

/// The core draft holding a survey's unfinished answers (sealed under the worker's key).
func surveyDraftName(_ surveyId: String) -> String {
    "survey:\(surveyId)"
}
