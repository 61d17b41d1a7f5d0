package flows

import (
	"testing"

	"github.com/tokenbench/tokenbench/client/record"
)

// TestTimelineOutcomeOfAStepWithoutAnswer: a step the user cancelled reads
// "cancelled" and one that timed out "timed out" — not Go's words for it,
// which the timeline's column cut to "no answer: context deadl…".
func TestTimelineOutcomeOfAStepWithoutAnswer(t *testing.T) {
	for err, want := range map[string]string{
		`Post "https://api.dintero.com/v1/accounts/T11223344/auth/token": context canceled`:                                              "cancelled",
		`Post "https://api.dintero.com/v1/accounts/T11223344/auth/token": context deadline exceeded`:                                     "timed out",
		`Post "https://x/v1/accounts/T11223344/auth/token": net/http: request canceled (Client.Timeout exceeded while awaiting headers)`: "timed out",
		`dial tcp 127.0.0.1:1: connect: connection refused`:                                                                              "no answer: dial tcp 127.0.0.1:1: connect: connection refused",
	} {
		if got := outcome(record.Exchange{Err: err}); got != want {
			t.Errorf("%q: %q, want %q", err, got, want)
		}
	}
}
