package client

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimitError is a 429 answer. RetryAfter is the wait the server asked
// for (zero when it named none); RetryAt is when that wait ends by the local
// clock, so an interface can count down without knowing when the answer
// came. Nothing in tokenbench retries on its own: the caller decides.
type RateLimitError struct {
	*APIError
	RetryAfter time.Duration
	RetryAt    time.Time
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter <= 0 {
		return "429 rate limited: the server named no wait (no Retry-After)"
	}
	return fmt.Sprintf("429 rate limited: retry after %s", FormatWait(e.RetryAfter))
}

// Unwrap lets errors.As find the APIError (status, code) underneath.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// FormatWait says a wait the way the rate-limit message does: "30 s",
// "60 s", "2 min 5 s" (whole seconds, rounded up, below two minutes).
func FormatWait(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 120 {
		return fmt.Sprintf("%d s", secs)
	}
	if secs%60 == 0 {
		return fmt.Sprintf("%d min", secs/60)
	}
	return fmt.Sprintf("%d min %d s", secs/60, secs%60)
}

// maxRetryAfter bounds a Retry-After: a server asking for a day is saying
// "not today", and a countdown that long helps nobody.
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date (RFC 9110 §10.2.3). now is the local clock; a date is read against
// the server's Date header when there is one, so clock skew does not
// stretch or shrink the wait.
func ParseRetryAfter(value string, now, serverDate time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		d := time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
		return d, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	ref := now
	if !serverDate.IsZero() {
		ref = serverDate
	}
	d := max(at.Sub(ref), 0)
	return min(d, maxRetryAfter), true
}

// rateLimited turns a 429 APIError into a RateLimitError; other errors
// pass through.
func rateLimited(apiErr *APIError, header http.Header, now time.Time) error {
	if apiErr.Status != http.StatusTooManyRequests {
		return apiErr
	}
	var date time.Time
	if d, err := http.ParseTime(header.Get("Date")); err == nil {
		date = d
	}
	wait, _ := ParseRetryAfter(header.Get("Retry-After"), now, date)
	return &RateLimitError{APIError: apiErr, RetryAfter: wait, RetryAt: now.Add(wait)}
}
