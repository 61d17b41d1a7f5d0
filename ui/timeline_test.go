package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
)

// writeBundleFrom presses b on the screen showing, writes the bundle to
// name under dir and returns its summary.md.
func writeBundleFrom(t *testing.T, m *Model, dir, name string) string {
	t.Helper()
	press(t, m, "b")
	requireShows(t, m, "Write the bundle to:")
	press(t, m, "ctrl+u")
	typeText(t, m, name)
	press(t, m, "enter")
	path := filepath.Join(dir, name+".zip")
	wantStatus(t, m, path)
	return bundleFiles(t, path)["summary.md"]
}

// TestDiagnoseDuringMFAKeepsTheTimeline: u on the MFA screen reads the
// user with a client token of its own; the flow goes on after esc, and
// the timeline (and a bundle written from it) still follows the flow to
// its token, resends included, instead of stopping at the challenge.
func TestDiagnoseDuringMFAKeepsTheTimeline(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second))
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Mia Fa")
	press(t, m, "esc")
	requireShows(t, m, "Multi-factor authentication required")
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by SMS (challenge 2)")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	requireShows(t, m, "MFA completed: token issued after binding code #1", "token request (password)", "challenge 1 (sms)", "challenge 2 (sms)", "binding code #1")
	// The diagnose screen's lookups are not steps of the flow.
	view := viewText(m)
	if n := strings.Count(view, "token request (client_credentials)"); n != 1 {
		t.Fatalf("%d client_credentials steps:\n%s", n, view)
	}
	if n := strings.Count(view, "(sms)"); n != 2 {
		t.Fatalf("%d challenges:\n%s", n, view)
	}
	requireHides(t, m, "users", "activity", "keys")
	summary := writeBundleFrom(t, m, dir, "timeline")
	if !strings.Contains(summary, "MFA completed: token issued after binding code #1") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// mfaToken runs the MFA connection to its token and returns that token's
// fingerprint, as the token view and a bundle show it.
func mfaToken(t *testing.T, ctx *common.Context, m *Model, srv *dinterotest.Server) string {
	t.Helper()
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	res, held := ctx.Session.Held(heldName("conn:1"))
	if !held || !res.ViaMFA {
		t.Fatalf("no MFA token held:\n%s", viewText(m))
	}
	return record.Fingerprint(res.Response.AccessToken)
}

// TestTimelineBundleNamesTheMFAFlowsToken: a bundle from the timeline is
// about the MFA flow: its token, not the one shown last (a refresh of it,
// another connection's token); from the token view, the token shown.
func TestTimelineBundleNamesTheMFAFlowsToken(t *testing.T) {
	m, ctx, srv, dir := bundleWorkbench(t)
	mfa := mfaToken(t, ctx, m, srv)
	wantMFA := func(summary string) {
		t.Helper()
		if !strings.Contains(summary, "| grant | password via MFA · Bearer from client_credentials |") ||
			!strings.Contains(summary, "- access token: "+mfa) || !strings.Contains(summary, "| sub | user:"+mdEsc(dinterotest.DemoMFAUser)+" |") {
			t.Fatalf("not the MFA flow's token (%s):\n%s", mfa, summary)
		}
	}
	// Refreshed: the token view's bundle is the refreshed token, the
	// timeline's the MFA flow's.
	press(t, m, "r")
	requireShows(t, m, "Grant       refresh_token")
	refreshed, _ := ctx.Session.Held(heldName("conn:1"))
	summary := writeBundleFrom(t, m, dir, "token-view")
	if !strings.Contains(summary, "| grant | refresh_token") || !strings.Contains(summary, "- access token: "+record.Fingerprint(refreshed.Response.AccessToken)) {
		t.Fatalf("token view's bundle:\n%s", summary)
	}
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	press(t, m, "b")
	requireShows(t, m, "Grant       password via MFA", "Token       "+mfa)
	press(t, m, "esc")
	wantMFA(writeBundleFrom(t, m, dir, "after-refresh"))
	// Another connection's token, shown last.
	press(t, m, "esc", "esc", "esc")
	wantScreen(t, m, "home")
	press(t, m, "home", "enter")
	requireShows(t, m, "Grant       client_credentials")
	press(t, m, "ctrl+l", "t")
	wantMFA(writeBundleFrom(t, m, dir, "after-client"))
}

// TestTimelineBundleOfAnUnfinishedFlowHasNoToken: an MFA flow left at the
// code has no token; a bundle from its timeline says so rather than
// naming another connection's token.
func TestTimelineBundleOfAnUnfinishedFlowHasNoToken(t *testing.T) {
	m, _, _, dir := bundleWorkbench(t)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS")
	escLeaving(t, m)
	wantScreen(t, m, "home")
	press(t, m, "home", "enter")
	requireShows(t, m, "Grant       client_credentials")
	press(t, m, "ctrl+l", "t")
	requireShows(t, m, "stopped at challenge 1 (sms): 200")
	press(t, m, "b")
	requireShows(t, m, "Token       none: the MFA flow stopped at challenge 1 (sms): 200")
	requireHides(t, m, "client_credentials")
	press(t, m, "esc")
	summary := writeBundleFrom(t, m, dir, "unfinished")
	if !strings.Contains(summary, "no token: the MFA flow stopped at challenge 1 (sms): 200") || strings.Contains(summary, "- access token:") ||
		!strings.Contains(summary, "| grant | password via MFA") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestSaveAsAfterAnEmailMFAFlowKeepsEmail: s on the token of an MFA flow
// finished by e-mail opens the profile form with "MFA code by e-mail".
func TestSaveAsAfterAnEmailMFAFlowKeepsEmail(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := demoContext(t, clk, srv)
	ctx.Height = 60 // the whole profile form on screen
	ctx.Store = &profiles.Store{Dir: t.TempDir()}
	ctx.Secrets = profiles.NewSecrets(ctx.Store)
	ctx.Secrets.Keyring = keyringtest.New()
	m := New(ctx)
	press(t, m, "esc") // the first-run chooser sits over home
	wantScreen(t, m, "home")
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	press(t, m, "ctrl+w")
	requireShows(t, m, "A code was sent by e-mail (challenge 2)")
	typeText(t, m, srv.LastBindingCode(dinterotest.DemoMFAUser))
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "s")
	requireShows(t, m, "profile · password", "MFA code    by e-mail  (space: SMS/e-mail)")
	requireHides(t, m, "by SMS  (space")
}

// TestTimelineNumbersCodesAcrossTheFlow: a wrong code, a new code, the
// other channel, a cancelled check and the right code: the timeline (and
// the bundle's summary.md) numbers the codes across the whole flow and the
// challenges as the MFA screen does, and the cancelled check reads
// "cancelled", not Go's cut "context canceled".
func TestTimelineNumbersCodesAcrossTheFlow(t *testing.T) {
	clk := uitest.NewClock(fixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	ctx.Width, ctx.Height = 120, 40
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	runConnection(t, m, 1)
	requireShows(t, m, "A code was sent by SMS (challenge 1)")
	typeText(t, m, wrongCode(srv.LastBindingCode(dinterotest.DemoMFAUser)))
	press(t, m, "enter")
	requireShows(t, m, "wrong binding code")
	press(t, m, "ctrl+n")
	requireShows(t, m, "A code was sent by SMS (challenge 2)")
	press(t, m, "ctrl+w")
	requireShows(t, m, "A code was sent by e-mail (challenge 3)")
	right := srv.LastBindingCode(dinterotest.DemoMFAUser)
	// A check the server does not answer, cancelled with esc.
	srv.SetFault(&dinterotest.Fault{Hang: true, Times: 1})
	typeText(t, m, right)
	served := srv.Requests()
	_, cmd := m.Update(uitest.Key("enter"))
	requireShows(t, m, "checking the code")
	done := make(chan []tea.Msg)
	go func() { // the request, as Bubble Tea runs it
		var msgs []tea.Msg
		for queue := []tea.Cmd{cmd}; len(queue) > 0; queue = queue[1:] {
			if queue[0] == nil {
				continue
			}
			switch msg := queue[0]().(type) {
			case tea.BatchMsg:
				queue = append(queue, msg...)
			default:
				msgs = append(msgs, msg)
			}
		}
		done <- msgs
	}()
	for deadline := time.Now().Add(5 * time.Second); srv.Requests() == served; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the code check never reached the server")
		}
	}
	press(t, m, "esc")
	for _, msg := range <-done {
		if _, ok := msg.(spinner.TickMsg); !ok {
			_, next := m.Update(msg)
			drive(t, m, next)
		}
	}
	requireShows(t, m, "cancelled")
	wantCode(t, m, right) // kept, to send again
	press(t, m, "enter")
	wantScreen(t, m, "token")
	press(t, m, "ctrl+l", "t")
	wantScreen(t, m, "MFA timeline")
	want := []string{"MFA completed: token issued after binding code #3",
		"challenge 1 (sms)", "binding code #1", "challenge 2 (sms)", "challenge 3 (email)", "binding code #2", "cancelled", "binding code #3"}
	requireShows(t, m, want...)
	requireHides(t, m, "contex")
	view := viewText(m)
	rows := view[strings.Index(view, "token request (client_credentials)"):]
	for i := 2; i < len(want); i++ {
		if strings.Index(rows, want[i-1]) > strings.Index(rows, want[i]) {
			t.Fatalf("%q before %q:\n%s", want[i], want[i-1], view)
		}
	}
	if n := strings.Count(view, "binding code #1"); n != 1 {
		t.Fatalf("%d rows of binding code #1:\n%s", n, view)
	}
	summary := writeBundleFrom(t, m, dir, "numbered")
	for _, w := range []string{"MFA completed: token issued after binding code #3", "| challenge 3 (email) | 200 |",
		"| binding code #2 | cancelled |", "| binding code #3 | 200 |"} {
		if !strings.Contains(summary, w) {
			t.Fatalf("summary.md lacks %q:\n%s", w, summary)
		}
	}
	if strings.Contains(summary, "| binding code #2 | no answer") {
		t.Fatalf("summary.md:\n%s", summary)
	}
}

// TestDiagnosisBundleHoldsOnlyTheDiagnosedUsersTimeline: after the MFA
// user's flow and the lost-device user's unfinished recovery, a bundle of
// the MFA user's diagnosis holds their flow, named with them, not the
// recovery; one of a user with no flow in the session holds none and
// says so.
func TestDiagnosisBundleHoldsOnlyTheDiagnosedUsersTimeline(t *testing.T) {
	clk := uitest.NewClock(time.Now().Truncate(time.Second)) // the demo's activity is dated from the real clock
	srv := uitest.DemoServer(t, clk)
	ctx := flowContext(t, clk, srv)
	dir := t.TempDir()
	inTempDir(ctx, dir)
	m := New(ctx)
	mfaToken(t, ctx, m, srv)
	press(t, m, "esc")
	wantScreen(t, m, "home")
	runConnection(t, m, 2) // Lost device, two below the MFA user
	requireShows(t, m, "Multi-factor authentication required")
	press(t, m, "L", "y")
	requireShows(t, m, "step 1 of 2: code sent by SMS")
	escLeaving(t, m)
	escLeaving(t, m)
	for range 5 {
		if onScreen(m, "home") {
			break
		}
		escLeaving(t, m)
	}
	wantScreen(t, m, "home")
	press(t, m, "home", "j", "enter") // the MFA user's token, still valid
	wantScreen(t, m, "token")
	requireShows(t, m, "user:"+dinterotest.DemoMFAUser)
	press(t, m, "u")
	wantScreen(t, m, "diagnose user")
	requireShows(t, m, "Mia Fa")
	press(t, m, "b")
	requireShows(t, m, "Timeline    the MFA flow of "+dinterotest.DemoMFAUser)
	press(t, m, "esc")
	summary := writeBundleFrom(t, m, dir, "mfa-user")
	if !strings.Contains(summary, "## Diagnosis of "+mdEsc(dinterotest.DemoMFAUser)) ||
		!strings.Contains(summary, "## MFA timeline of "+mdEsc(dinterotest.DemoMFAUser)+"\n\nMFA completed: token issued after binding code #1") ||
		strings.Contains(summary, "recovery (sms)") {
		t.Fatalf("summary.md of the MFA user's diagnosis:\n%s", summary)
	}

	// A user without MFA: no timeline at all, and the bundle says so.
	press(t, m, "e", "ctrl+u")
	typeText(t, m, dinterotest.DemoUser)
	press(t, m, "enter")
	requireShows(t, m, "Findings")
	press(t, m, "b")
	requireShows(t, m, "Exchanges", "no MFA flow of "+dinterotest.DemoUser)
	requireHides(t, m, "the MFA flow of")
	press(t, m, "esc")
	summary = writeBundleFrom(t, m, dir, "support-user")
	if !strings.Contains(summary, "## Diagnosis of "+mdEsc(dinterotest.DemoUser)) ||
		!strings.Contains(summary, "## MFA timeline of "+mdEsc(dinterotest.DemoUser)+"\n\nno MFA flow of "+mdEsc(dinterotest.DemoUser)+" in this session") ||
		strings.Contains(summary, "binding code") || strings.Contains(summary, "recovery (sms)") || strings.Contains(summary, "| # | time (UTC) | step |") {
		t.Fatalf("summary.md of the support user's diagnosis:\n%s", summary)
	}
}

// mdEsc is an e-mail as summary.md writes it: '@' escaped, so that a
// renderer makes no mailto link of it.
func mdEsc(s string) string { return strings.ReplaceAll(s, "@", `\@`) }
