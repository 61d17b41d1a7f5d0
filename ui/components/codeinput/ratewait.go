package codeinput

import (
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"

	"github.com/tokenbench/tokenbench/ui/common"
)

// RateWait is a 429's wait on the MFA and recovery screens: the one source
// of its countdown and of the one line that words it, so both screens say
// it alike.
type RateWait struct {
	until time.Time
	// OnCheck: the 429 answered a code check, which it did not judge: the
	// same code is entered again after the wait (a new code is not held
	// back). Otherwise it answered a send: no new code before the end.
	OnCheck bool
	// Nudged: what the wait holds back was tried during it.
	Nudged bool
}

// NewRateWait starts the wait a 429 asks for: its Retry-After, or a
// minute when it names none (not an invitation to hammer).
func NewRateWait(limited *client.RateLimitError, now time.Time, onCheck bool) RateWait {
	wait := limited.RetryAfter
	if wait <= 0 {
		wait = time.Minute
	}
	return RateWait{until: now.Add(wait), OnCheck: onCheck}
}

// Left is what is left of the wait at now, in whole seconds rounded up
// (the server's "56" reads 56s, not 55s); 0 when over.
func (w RateWait) Left(now time.Time) time.Duration {
	left := w.until.Sub(now)
	if left <= 0 {
		return 0
	}
	return (left + time.Second - 1).Truncate(time.Second)
}

// HoldsSend is what is left of a wait that holds back a new code.
func (w RateWait) HoldsSend(now time.Time) time.Duration {
	if w.OnCheck {
		return 0
	}
	return w.Left(now)
}

// HoldsCheck is what is left of a wait that holds back a code check.
func (w RateWait) HoldsCheck(now time.Time) time.Duration {
	if !w.OnCheck {
		return 0
	}
	return w.Left(now)
}

// Line words the wait at now in width: "" once it is over.
func (w RateWait) Line(s common.Styles, now time.Time, width int) string {
	left := w.Left(now)
	if left <= 0 {
		return ""
	}
	d := tokeninfo.Countdown(left)
	switch {
	case w.OnCheck && w.Nudged:
		return common.Wrap(s.Error, "✗ rate limited: the code can be tried again in "+d+" (429)", width)
	case w.OnCheck:
		return common.Wrap(s.Warn, "⏳ rate limited (429): the code was not checked; enter it again in "+d, width)
	case w.Nudged:
		return common.Wrap(s.Error, "✗ rate limited: no new code for "+d+" more (429)", width)
	}
	return common.Wrap(s.Warn, "⏳ rate limited (429): a new code can be sent in "+d, width)
}
