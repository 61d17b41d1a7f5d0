package supportbundle_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/supportbundle"
)

// screen is the page's body as the root sizes it for ctx's terminal.
func screen(p common.Page, ctx *common.Context) string {
	return uitest.Screen(p, ctx.Width-2, ctx.Height-4)
}

// session is a demo session of two users on the fake server: the MFA
// user's login (a wrong code, then the right one), then the support
// user's; it returns the MFA user's token.
func session(t *testing.T) (*common.Context, *dinterotest.Server, *flows.Result) {
	t.Helper()
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Recorder.Now = clk.Now
	r, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	mfa := ctx.Connections[1].Request
	_, s, err := r.Start(context.Background(), mfa)
	if s == nil {
		t.Fatalf("no MFA: %v", err)
	}
	if err := r.Challenge(context.Background(), s, client.ChannelSMS); err != nil {
		t.Fatal(err)
	}
	right := srv.LastBindingCode(dinterotest.DemoMFAUser)
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	_, _ = r.Verify(context.Background(), s, wrong)
	res, err := r.Verify(context.Background(), s, right)
	if err != nil {
		t.Fatal(err)
	}
	other := mfa
	other.Username = dinterotest.DemoUser
	if _, _, err := r.Start(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	return ctx, srv, res
}

// caseOf is the bundle input of the MFA user's token, as the token view
// asks for it.
func caseOf(res *flows.Result) bundle.Input {
	return bundle.Input{Account: dinterotest.DemoAccount, Grant: string(client.GrantPassword) + " + MFA", User: dinterotest.DemoMFAUser,
		AccessToken: res.Response.AccessToken, Verdict: "verified (kid k1, RS256)"}
}

// open is the bundle page of in from the token view, its field focused
// as the root opens it.
func open(ctx *common.Context, in bundle.Input) *supportbundle.Page {
	p := supportbundle.New(ctx, in, "token")
	p.Focus()
	return p
}

// The page says what the bundle holds before it is written: the case's
// account and grant, its exchanges (what it leaves out of the session),
// its MFA flow, the token as a fingerprint, the redaction; and where it
// goes (a new file named for the time). No secret shows.
func TestThePageSaysWhatTheBundleHolds(t *testing.T) {
	ctx, srv, res := session(t)
	p := supportbundle.New(ctx, caseOf(res), "token")
	p.Focus()
	view := screen(p, ctx)
	uitest.RequireShows(t, view, "Support bundle from token",
		"Account T11223344", "Grant password + MFA",
		"Exchanges 5 of this case; 2 left out",
		"Timeline the MFA flow: MFA completed: token issued after binding code",
		"Token "+tokeninfo.Fingerprint(res.Response.AccessToken)+" (claims; the token as a fingerprint)",
		"summary.md and session.har in a zip, every file passed through the session's redactor",
		"Write the bundle to:", "› tokenbench-bundle-20261128-120000.zip")
	for _, secret := range []string{res.Response.AccessToken[:40], dinterotest.DemoSecret, dinterotest.DemoPassword, srv.LastBindingCode(dinterotest.DemoMFAUser)} {
		if strings.Contains(view, secret) {
			t.Fatalf("the page shows a secret %q", secret)
		}
	}
	if p.Title() != "support bundle" || p.Account() != dinterotest.DemoAccount || !p.TakesText() {
		t.Fatalf("title %q, badge %q, takes text %v", p.Title(), p.Account(), p.TakesText())
	}
	// A diagnosis's bundle names its report and the user's flow.
	in := bundle.Input{Account: dinterotest.DemoAccount, Grant: "client_credentials (doctor)", NoToken: "the diagnosis read with a client token"}
	d := supportbundle.New(ctx, in, "diagnose user")
	uitest.RequireShows(t, screen(d, ctx), "Support bundle from diagnose user", "Token none: the diagnosis read with a client token")
}

// tab switches the bundle to the whole session, by choice, and back.
func TestTabSwitchesToTheWholeSession(t *testing.T) {
	ctx, _, res := session(t)
	var p common.Page = open(ctx, caseOf(res))
	p, msgs := uitest.Press(p, "tab")
	if uitest.Messages(msgs[0]) != nil {
		t.Fatal("tab sends something")
	}
	uitest.RequireShows(t, screen(p, ctx), "Exchanges all 7 of the session, other users' too")
	p, _ = uitest.Press(p, "tab")
	uitest.RequireShows(t, screen(p, ctx), "Exchanges 5 of this case; 2 left out")
}

// write types path into the page's field and presses enter; it returns
// the page and the messages of the write (its answer given back to the
// page, as the root does).
func write(t *testing.T, p common.Page, path string) (common.Page, []tea.Msg) {
	t.Helper()
	p, _ = uitest.Press(p, "ctrl+u")
	p, _ = p.Update(tea.PasteMsg{Content: path})
	p, cmds := uitest.Press(p, "enter")
	var out []tea.Msg
	for _, m := range uitest.Messages(cmds[0]) {
		var cmd tea.Cmd
		p, cmd = p.Update(m)
		out = append(out, uitest.Messages(cmd)...)
	}
	return p, out
}

func zipFiles(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	return files
}

// enter writes the bundle into a temp dir (.zip added to the name), 0600,
// with no secret of the session in it, and goes back saying where, in
// one message; while it writes the page says so and keys wait.
func TestWritingIntoATempDir(t *testing.T) {
	ctx, srv, res := session(t)
	dir := t.TempDir()
	var p common.Page = open(ctx, caseOf(res))
	p, _ = uitest.Press(p, "ctrl+u")
	p, _ = p.Update(tea.PasteMsg{Content: filepath.Join(dir, "ticket-4711")})
	p, cmds := uitest.Press(p, "enter")
	uitest.RequireShows(t, screen(p, ctx), "writing…")
	if _, more := uitest.Press(p, "esc"); more[0] != nil {
		t.Fatal("esc while writing does something")
	}
	var msgs []tea.Msg
	for _, m := range uitest.Messages(cmds[0]) {
		var cmd tea.Cmd
		p, cmd = p.Update(m)
		msgs = append(msgs, uitest.Messages(cmd)...)
	}
	path := filepath.Join(dir, "ticket-4711.zip")
	want := common.CloseWithStatusMsg{Status: "support bundle written to " + path + " (summary.md, session.har; secrets redacted)"}
	if len(msgs) != 1 || msgs[0] != want {
		t.Fatalf("writing: %#v", msgs)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the bundle: %v %v", info, err)
	}
	files := zipFiles(t, path)
	if files["summary.md"] == "" || files["session.har"] == "" {
		t.Fatalf("the bundle holds %d files", len(files))
	}
	for name, text := range files {
		for _, secret := range []string{res.Response.AccessToken, dinterotest.DemoSecret, dinterotest.DemoPassword, srv.LastBindingCode(dinterotest.DemoMFAUser)} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds a secret %q", name, secret)
			}
		}
		if strings.Contains(text, dinterotest.DemoUser) {
			t.Errorf("%s of the MFA user's case holds the other user", name)
		}
	}
}

// A file already at the path is never replaced without asking: the page
// asks (y/n, no text typed), n keeps the file and says to pick another
// name, y replaces it.
func TestAnExistingFileIsNotReplacedWithoutAsking(t *testing.T) {
	ctx, _, res := session(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ticket.zip")
	if err := os.WriteFile(path, []byte("the customer's own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	var p common.Page = open(ctx, caseOf(res))
	p, msgs := write(t, p, path)
	if len(msgs) != 0 {
		t.Fatalf("writing over a file: %#v", msgs)
	}
	uitest.RequireShows(t, screen(p, ctx), path+" exists. Replace it? y replaces it · n picks another name")
	asker, ok := p.(common.Asker)
	if !ok || !asker.Asking() {
		t.Fatal("the page asks y/n without saying so (common.Asker)")
	}
	if p.TakesText() {
		t.Fatal("the question takes text")
	}
	p, cmds := uitest.Press(p, "x", "n")
	for _, c := range cmds {
		if uitest.Messages(c) != nil {
			t.Fatal("x or n sends something")
		}
	}
	uitest.RequireShows(t, screen(p, ctx), "✗ not replaced: pick another name")
	if asker.Asking() || !p.TakesText() {
		t.Fatal("n leaves the question")
	}
	if b, _ := os.ReadFile(path); string(b) != "the customer's own file" {
		t.Fatal("the file was replaced without asking")
	}
	p, cmds = uitest.Press(p, "enter")
	for _, m := range uitest.Messages(cmds[0]) {
		p, _ = p.Update(m)
	}
	if !asker.Asking() {
		t.Fatal("enter again does not ask again")
	}
	p, cmds = uitest.Press(p, "y")
	var done []tea.Msg
	for _, m := range uitest.Messages(cmds[0]) {
		var cmd tea.Cmd
		p, cmd = p.Update(m)
		done = append(done, uitest.Messages(cmd)...)
	}
	if len(done) != 1 || !strings.HasPrefix(done[0].(common.CloseWithStatusMsg).Status, "support bundle written to "+path) {
		t.Fatalf("y: %#v", done)
	}
	if files := zipFiles(t, path); files["summary.md"] == "" {
		t.Fatal("y did not replace the file with the bundle")
	}
}

// esc writes nothing and says so on the screen below; an empty name is
// refused on the page.
func TestEscAndAnEmptyName(t *testing.T) {
	ctx, _, res := session(t)
	var p common.Page = open(ctx, caseOf(res))
	p, cmds := uitest.Press(p, "ctrl+u", "enter")
	if uitest.Messages(cmds[1]) != nil {
		t.Fatal("enter on an empty name sends something")
	}
	uitest.RequireShows(t, screen(p, ctx), "✗ type a file name")
	_, cmds = uitest.Press(p, "esc")
	if msgs := uitest.Messages(cmds[0]); len(msgs) != 1 || msgs[0] != (common.CloseWithStatusMsg{Status: "support bundle not written"}) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// At 60×20 the question and the path stay on screen: the listing gives
// way first.
func TestTheQuestionStaysAt60x20(t *testing.T) {
	ctx, _, res := session(t)
	ctx.Width, ctx.Height = 60, 20
	var p common.Page = open(ctx, caseOf(res))
	p, _ = uitest.Press(p, "ctrl+u")
	p, _ = p.Update(tea.PasteMsg{Content: filepath.Join(t.TempDir(), "x")})
	p, _ = uitest.Press(p, "x")
	for _, h := range []int{16, 8, 5} {
		view := uitest.Screen(p, 58, h)
		if n := len(strings.Split(view, "\n")); n > h {
			t.Fatalf("%d lines in a body of %d:\n%s", n, h, view)
		}
		uitest.RequireShows(t, view, "Write the bundle to:", "› ")
	}
}
