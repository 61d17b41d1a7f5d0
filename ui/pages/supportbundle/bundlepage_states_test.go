package supportbundle_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/doctor"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/supportbundle"
)

// The help follows the page's state: the field offers enter, esc, tab and
// clearing; the question y and n; a write under way only ctrl+c.
func TestTheHelpFollowsTheState(t *testing.T) {
	ctx, _, res := session(t)
	var p common.Page = open(ctx, caseOf(res))
	if got := uitest.Help(p); got != "enter write · esc cancel · tab whole session · ctrl+u clear · ctrl+c quit" {
		t.Fatalf("the field offers %q", got)
	}
	done := make(chan struct{})
	ctx.WriteBundle = func(path string, in bundle.Input) (string, error) {
		<-done
		return "", &bundle.ExistsError{Path: path}
	}
	p, cmds := uitest.Press(p, "enter")
	if got := uitest.Help(p); got != "ctrl+c quit" {
		t.Fatalf("writing offers %q", got)
	}
	close(done)
	p, _ = p.Update(cmds[0]())
	if got := uitest.Help(p); got != "y replace it · n/esc another name · ctrl+c quit" {
		t.Fatalf("the question offers %q", got)
	}
	// esc answers the question as n does: nothing leaves the page.
	p, cmds = uitest.Press(p, "esc")
	if uitest.Messages(cmds[0]) != nil || p.(common.Asker).Asking() {
		t.Fatal("esc on the question leaves the page or keeps asking")
	}
	uitest.RequireShows(t, screen(p, ctx), "not replaced: pick another name")
}

// A write that fails says why on the page, which stays, and does not
// ask; the writer is handed the case as shown (the whole session when
// chosen, Replace only when y said so).
func TestAFailedWriteSaysWhy(t *testing.T) {
	ctx, _, res := session(t)
	var got []bundle.Input
	ctx.WriteBundle = func(path string, in bundle.Input) (string, error) {
		got = append(got, in)
		return "", &writeError{"disk full \x1b[2J"}
	}
	var p common.Page = open(ctx, caseOf(res))
	p, _ = uitest.Press(p, "tab")
	p, cmds := uitest.Press(p, "enter")
	var msgs []tea.Msg
	for _, m := range uitest.Messages(cmds[0]) {
		var cmd tea.Cmd
		p, cmd = p.Update(m)
		msgs = append(msgs, uitest.Messages(cmd)...)
	}
	if len(msgs) != 0 {
		t.Fatalf("a failed write: %#v", msgs)
	}
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "✗ not written: disk full")
	if strings.Contains(view, "\x1b") || p.(common.Asker).Asking() {
		t.Fatalf("the failure: %q", view)
	}
	if len(got) != 1 || !got[0].WholeSession || got[0].Replace || got[0].Redactor == nil || len(got[0].Exchanges) != 7 || !got[0].Now.Equal(uitest.FixedNow) {
		t.Fatalf("the writer got %+v", got)
	}
}

type writeError struct{ s string }

func (e *writeError) Error() string { return e.s }

// A diagnosis's bundle names the report (user and findings) and, with
// no MFA flow of that user in the session, says so.
func TestADiagnosisBundleNamesItsReport(t *testing.T) {
	ctx, _, _ := session(t)
	report := &doctor.Report{Account: dinterotest.DemoAccount, User: doctor.User{Email: dinterotest.DemoUser},
		Findings: []doctor.Finding{{Text: "one"}, {Text: "two"}}}
	in := bundle.Input{Account: dinterotest.DemoAccount, Grant: "client_credentials (doctor)", Doctor: report}
	p := supportbundle.New(ctx, in, "diagnose user")
	uitest.RequireShows(t, screen(p, ctx), "Doctor "+dinterotest.DemoUser+": 2 finding(s)", "Timeline no MFA flow of "+dinterotest.DemoUser)
	report.User.Email = dinterotest.DemoMFAUser
	p = supportbundle.New(ctx, in, "diagnose user")
	uitest.RequireShows(t, screen(p, ctx), "Timeline the MFA flow of "+dinterotest.DemoMFAUser)
}
