# Entry point of the public cluster bundle: n3r/public/decision.
package n3r.public

import data.n3r.lib.decision as lib
import data.n3r.lib.requests

decision := lib.decide(requests.deny, requests.approval_reasons, requests.warnings, requests.obligations)
