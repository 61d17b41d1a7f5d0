package diagnose_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/diagnose"
)

func offers(p common.Page, want string) bool {
	for _, k := range uitest.HelpKeys(p) {
		if k == want {
			return true
		}
	}
	return false
}

// The help follows the page's state: the question offers enter and
// clearing, a running lookup only cancelling, a report b, r and e; keys
// a report does not offer do nothing, and no state shows the token the
// doctor read with.
func TestTheHelpFollowsTheState(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	p := diagnose.New(ctx, demoSource(srv), "")
	p.Start()
	for _, k := range []string{"enter diagnose", "esc back", "ctrl+u clear"} {
		if !offers(p, k) {
			t.Fatalf("the question does not offer %q: %q", k, uitest.HelpKeys(p))
		}
	}
	p.Update(uitest.Key(dinterotest.DemoMFAUser))
	_, cmds := uitest.Press(p, "enter")
	if got := uitest.HelpKeys(p); len(got) != 2 || got[0] != "esc cancel" {
		t.Fatalf("running offers %q", got)
	}
	msg := answer(t, cmds[0])
	p.Update(msg)
	for _, k := range []string{"b support bundle", "r run again", "e other user", "esc back"} {
		if !offers(p, k) {
			t.Fatalf("the report does not offer %q: %q", k, uitest.HelpKeys(p))
		}
	}
	before := whole(p, ctx)
	if _, msgs := press(p, "x", "w", "t", "enter", "tab"); len(msgs) != 0 {
		t.Fatalf("keys not offered: %#v", msgs)
	}
	if whole(p, ctx) != before {
		t.Fatal("keys not offered changed the report")
	}
	if strings.Contains(before, msg.Token.Response.AccessToken[:40]) {
		t.Fatal("the report shows the doctor's token")
	}
}

// This session's MFA flow of the user diagnosed sits beside the server's
// activity on a wide screen (140 columns and more), below it on a narrower
// one; another user's flow is not shown.
func TestTheSessionsMFAFlowBesideTheActivity(t *testing.T) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Recorder.Now = clk.Now
	r, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, s, _ := r.Start(context.Background(), ctx.Connections[1].Request)
	if s == nil {
		t.Fatal("no MFA")
	}
	if err := r.Challenge(context.Background(), s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Verify(context.Background(), s, srv.LastBindingCode(dinterotest.DemoMFAUser)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		width  int
		beside bool
	}{{150, true}, {100, false}} {
		ctx.Width, ctx.Height = c.width, 40
		p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoMFAUser)
		p.Update(answer(t, p.Start()))
		all := whole(p, ctx)
		uitest.RequireShows(t, all, "This session's MFA flow", "403 mfa_required", "binding code")
		beside := false
		for _, l := range strings.Split(all, "\n") {
			if strings.Contains(l, "Server activity") && strings.Contains(l, "This session's MFA flow") {
				beside = true
			}
			// Side by side both columns are cut to fit; below, the
			// activity rows are the chrome's to cut (TestTheReportAt60x20).
			if n := len([]rune(l)); c.beside && n > c.width-2 {
				t.Fatalf("at %d columns a line of %d: %q", c.width, n, l)
			}
		}
		if beside != c.beside {
			t.Fatalf("at %d columns the flow beside the activity: %v\n%s", c.width, beside, all)
		}
	}
	ctx.Width = 150
	p := diagnose.New(ctx, demoSource(srv), dinterotest.DemoUser)
	p.Update(answer(t, p.Start()))
	if all := whole(p, ctx); strings.Contains(all, "This session's MFA flow") {
		t.Fatalf("another user's flow is shown:\n%s", all)
	}
}
