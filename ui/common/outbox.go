package common

import (
	"fmt"
	"time"

	"github.com/tokenbench/tokenbench/textsafe"
)

// DemoOutbox is the demo outbox's box for a code sent to user by a request
// to base: the newest message at or before upTo (any, when upTo is zero or
// none is that old), "" when there is nothing to show — not the demo, or a
// server other than the demo's own (Context.Outbox gives nothing then).
// The MFA, passwordless and recovery screens show it the same way.
func DemoOutbox(ctx *Context, base, user string, upTo time.Time, width int) string {
	if ctx.Outbox == nil {
		return ""
	}
	msgs := ctx.Outbox(base, user)
	if len(msgs) == 0 {
		return ""
	}
	last := msgs[len(msgs)-1]
	for i := len(msgs) - 1; i >= 0 && !upTo.IsZero(); i-- {
		if !msgs[i].At.After(upTo) {
			last = msgs[i]
			break
		}
	}
	s := ctx.Styles
	text := fmt.Sprintf("%s to %s at %s:\n%s", last.Channel, last.To, last.At.In(ctx.Now().Location()).Format("15:04:05"), last.Text)
	return s.Notice.Width(width).Render(s.Warn.Render("Demo outbox") + " (nothing is really sent)\n" + textsafe.Sanitize(text))
}
