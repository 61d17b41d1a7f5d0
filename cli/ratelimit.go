package cli

import (
	"errors"

	"github.com/tokenbench/tokenbench/client"
)

// errorMessage is the one line printed after "error: ". A 429 is said as
// what it is, with the wait, whichever step of a flow met it: "429 rate
// limited: retry after 30 s" (exit 4). Nothing is retried.
func errorMessage(err error) string {
	var rl *client.RateLimitError
	if errors.As(err, &rl) {
		return rl.Error()
	}
	return err.Error()
}
