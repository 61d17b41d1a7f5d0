package flows

import (
	"errors"
	"time"

	"github.com/tokenbench/tokenbench/client"
)

// RateLimited returns the 429 inside err, if there is one: its RetryAfter
// and RetryAt are what a countdown shows and what a resend waits for.
func RateLimited(err error) (*client.RateLimitError, bool) {
	var rl *client.RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}

// NextAttempt is the earliest time a failed request may be sent again on
// its own (auto-refresh): after fallback, and never before the end of a
// 429's Retry-After. Nothing in tokenbench retries in a loop; this is the
// one place a scheduler asks.
func NextAttempt(err error, now time.Time, fallback time.Duration) time.Time {
	next := now.Add(fallback)
	if rl, ok := RateLimited(err); ok && rl.RetryAt.After(next) {
		return rl.RetryAt
	}
	return next
}
