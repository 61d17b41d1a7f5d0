package codeinput

import (
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
)

// rateWait is a 429's wait on the MFA and recovery screens: the one source
// of its countdown and of the one line that words it, so both screens say
// it alike.
type rateWait struct {
	until time.Time
	// onCheck: the 429 answered a code check, which it did not judge: the
	// same code is entered again after the wait (a new code is not held
	// back). Otherwise it answered a send: no new code before the end.
	onCheck bool
	// nudged: what the wait holds back was tried during it.
	nudged bool
}

// newRateWait starts the wait a 429 asks for: its Retry-After, or a
// minute when it names none (not an invitation to hammer).
func newRateWait(limited *client.RateLimitError, now time.Time, onCheck bool) rateWait {
	wait := limited.RetryAfter
	if wait <= 0 {
		wait = time.Minute
	}
	return rateWait{until: now.Add(wait), onCheck: onCheck}
}

// Left is what is left of the wait at now, in whole seconds rounded up
// (the server's "56" reads 56s, not 55s); 0 when over.
func (w rateWait) left(now time.Time) time.Duration {
	left := w.until.Sub(now)
	if left <= 0 {
		return 0
	}
	return (left + time.Second - 1).Truncate(time.Second)
}

// holdsSend is what is left of a wait that holds back a new code.
func (w rateWait) holdsSend(now time.Time) time.Duration {
	if w.onCheck {
		return 0
	}
	return w.left(now)
}

// holdsCheck is what is left of a wait that holds back a code check.
func (w rateWait) holdsCheck(now time.Time) time.Duration {
	if !w.onCheck {
		return 0
	}
	return w.left(now)
}

// Line words the wait at now in width: "" once it is over.
func (w rateWait) line(s common.Styles, now time.Time, width int) string {
	left := w.left(now)
	if left <= 0 {
		return ""
	}
	d := tokeninfo.Countdown(left)
	switch {
	case w.onCheck && w.nudged:
		return common.Wrap(s.Error, "✗ rate limited: the code can be tried again in "+d+" (429)", width)
	case w.onCheck:
		return common.Wrap(s.Warn, "⏳ rate limited (429): the code was not checked; enter it again in "+d, width)
	case w.nudged:
		return common.Wrap(s.Error, "✗ rate limited: no new code for "+d+" more (429)", width)
	}
	return common.Wrap(s.Warn, "⏳ rate limited (429): a new code can be sent in "+d, width)
}
