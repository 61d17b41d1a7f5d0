package flows

import (
	"errors"

	"github.com/tokenbench/tokenbench/client"
)

// RateLimited returns the 429 inside err, if there is one: its RetryAfter
// and RetryAt are what a countdown shows and what a resend waits for.
func RateLimited(err error) (*client.RateLimitError, bool) {
	var rl *client.RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}
