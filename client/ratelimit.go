package client

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// RateLimitError is a 429 answer. RetryAfter is the wait the server asked
// for (zero when it named none); RetryAt is when that wait ends by the local
// clock, so an interface can count down without knowing when the answer
// came. Nothing in tokenbench retries on its own: the caller decides.
type RateLimitError struct {
	*APIError
	RetryAfter time.Duration
	RetryAt    time.Time
	// Sent is the Retry-After header as the server sent it, sanitised and
	// cut; "" when there was none.
	Sent string
	// Meaning says what an unusual Retry-After means ("retry now", "an
	// implausible wait of 973 years"); "" for a plain wait or none.
	Meaning string
}

func (e *RateLimitError) Error() string {
	switch {
	case e.Meaning != "":
		return fmt.Sprintf("429 rate limited: %s (Retry-After: %q)", e.Meaning, e.Sent)
	case e.Sent == "":
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
	if n, err := strconv.ParseInt(value, 10, 64); err == nil || isDigits(value) {
		if n < 0 {
			return 0, false
		}
		if err != nil {
			return maxRetryAfter, true // more digits than an int64 holds
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
	raw := strings.TrimSpace(header.Get("Retry-After"))
	wait, ok := ParseRetryAfter(raw, now, date)
	return &RateLimitError{APIError: apiErr, RetryAfter: wait, RetryAt: now.Add(wait),
		Sent: textsafe.Excerpt([]byte(raw), 64), Meaning: retryAfterMeaning(raw, wait, ok, now, date)}
}

// retryAfterMeaning says what a Retry-After that is not a plain wait
// means: "" for a plain wait (or none).
func retryAfterMeaning(raw string, wait time.Duration, ok bool, now, serverDate time.Time) string {
	switch {
	case raw == "":
		return ""
	case !ok && strings.HasPrefix(raw, "-") && isDigits(raw[1:]):
		return "retry now: the server's wait is negative"
	case !ok:
		return "the server's Retry-After is neither seconds nor a date: no usable wait"
	case wait == 0:
		return "retry now"
	case wait < maxRetryAfter:
		return ""
	}
	// At the cap: say how long was asked for when it was more.
	secs := 0.0
	if isDigits(raw) {
		secs, _ = strconv.ParseFloat(raw, 64) // +Inf for too many digits
	} else if at, err := http.ParseTime(raw); err == nil {
		ref := now
		if !serverDate.IsZero() {
			ref = serverDate
		}
		secs = float64(at.Unix() - ref.Unix()) // Sub would stop at 292 years
	}
	if secs <= maxRetryAfter.Seconds() {
		return ""
	}
	return fmt.Sprintf("an implausible wait of %s; counted as %s", longWait(secs), FormatWait(maxRetryAfter))
}

// longWait says a wait of over a day in days or years.
func longWait(secs float64) string {
	if math.IsInf(secs, 0) || secs > 1e21 {
		return "more years than can be counted"
	}
	days := secs / 86400
	if days < 2*365 {
		return fmt.Sprintf("%.0f days", days)
	}
	return fmt.Sprintf("%.0f years", days/365.25)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
