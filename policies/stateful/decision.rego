# Entry point of the stateful cluster bundle: n3r/stateful/decision.
package n3r.stateful

import data.n3r.lib.decision as lib
import data.n3r.lib.requests

decision := lib.decide(requests.deny, requests.approval_reasons, requests.warnings, requests.obligations)
