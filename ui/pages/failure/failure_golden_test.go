package failure_test

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/failure"
)

// goldenPage is the error view of the demo's POS client (the grants
// explain it, u offered) or of a 404 with three details and the hint, in
// a terminal of width×height.
func goldenPage(t *testing.T, state string, width, height int) common.Page {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Width, ctx.Height = width, height
	req := posRequest
	if state == "details" {
		srv.SetFault(&dinterotest.Fault{Status: 404, Code: "not_found", Message: "Not found", Details: faultDetails(3), Times: 1})
		req = ctx.Connections[0].Request
	}
	err := sendFailing(t, ctx, srv.URL, req)
	return failure.New(ctx, err, req, srv.URL, nil, ctx.Connections)
}

// TestFailureGolden pins the error view in a 60×20 terminal's body and an
// 80×24 one's: the error wrapped under its mark, the details hung under
// their bullets, the hint, u's offer last.
func TestFailureGolden(t *testing.T) {
	for _, c := range []struct {
		state string
		w, h  int
	}{
		{"grants", 60, 20}, {"grants", 80, 24}, {"details", 60, 20}, {"details", 80, 24},
	} {
		t.Run(fmt.Sprintf("%s_%dx%d", c.state, c.w, c.h), func(t *testing.T) {
			p := goldenPage(t, c.state, c.w, c.h)
			golden.RequireEqual(t, []byte(common.ClipLines(uitest.Screen(p, c.w-2, c.h-4), c.h-4)))
		})
	}
}
