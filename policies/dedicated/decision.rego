# Entry point of the dedicated cluster bundle: n3r/dedicated/decision.
package n3r.dedicated

import data.n3r.lib.decision as lib
import data.n3r.lib.requests

decision := lib.decide(requests.deny, requests.approval_reasons, requests.warnings, requests.obligations)
