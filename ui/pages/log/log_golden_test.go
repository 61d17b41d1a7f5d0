package log_test

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// TestLogGolden pins the HTTP log's rows and the MFA timeline of a flow
// against the fake server on the fixed clock, in a 60×20 terminal's body
// (58×16) and an 80×24 one's (78×20): the columns, what gives way at 60
// (the time of day), the selected row's mark; and the HAR question above
// the rows.
func TestLogGolden(t *testing.T) {
	for _, c := range []struct {
		state string
		w, h  int
	}{
		{"rows", 58, 16}, {"rows", 78, 20}, {"har", 58, 16}, {"timeline", 58, 16}, {"timeline", 78, 20},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", c.state, c.w, c.h), func(t *testing.T) {
			ctx, _, srv := logContext(t)
			runMFA(t, ctx, srv)
			var p common.Page = log.New(ctx)
			p.SetSize(c.w, c.h)
			switch c.state {
			case "har":
				p, _ = press(p, "up", "w")
			case "timeline":
				_, msgs := press(p, "t")
				p = opened(t, msgs)
				p, _ = press(p, "down")
			default:
				p, _ = press(p, "up")
			}
			golden.RequireEqual(t, []byte(uitest.Screen(p, c.w, c.h)))
		})
	}
}
