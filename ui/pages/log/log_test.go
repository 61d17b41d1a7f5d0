package log_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/ui/common"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/log"
)

// logContext is the demo's context whose recorder stamps exchanges with
// the test's clock.
func logContext(t *testing.T) (*common.Context, *uitest.Clock, *dinterotest.Server) {
	clk := uitest.NewClock(uitest.FixedNow)
	srv := uitest.DemoServer(t, clk)
	ctx := uitest.DemoContext(clk, srv)
	ctx.Recorder.Now = clk.Now
	return ctx, clk, srv
}

// answer is a transport that answers every request with one status and
// an empty JSON object, so the recorder keeps any URL a test names.
type answer int

func (a answer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: int(a), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// recordCall sends method url with body (JSON fields) through ctx's
// recorder, answered with status.
func recordCall(t *testing.T, ctx *common.Context, method, url string, body map[string]string, status int) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&http.Client{Transport: ctx.Recorder.Wrap(answer(status), nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// runMFA signs the demo's MFA user in on the fake server: a wrong code,
// then the right one.
func runMFA(t *testing.T, ctx *common.Context, srv *dinterotest.Server) {
	t.Helper()
	r, err := ctx.NewRunner(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, s, err := r.Start(context.Background(), ctx.Connections[1].Request)
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
	if _, err := r.Verify(context.Background(), s, wrong); err == nil {
		t.Fatal("a wrong code was taken")
	}
	if _, err := r.Verify(context.Background(), s, right); err != nil {
		t.Fatal(err)
	}
}

// press hands p keys and returns the page and the messages their
// commands produce.
func press(p common.Page, keys ...string) (common.Page, []tea.Msg) {
	var msgs []tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		p, cmd = p.Update(uitest.Key(k))
		msgs = append(msgs, uitest.Messages(cmd)...)
	}
	return p, msgs
}

// opened is the page an OpenPageMsg among msgs opens.
func opened(t *testing.T, msgs []tea.Msg) common.Page {
	t.Helper()
	for _, m := range msgs {
		if o, ok := m.(common.OpenPageMsg); ok {
			return o.Page
		}
	}
	t.Fatalf("no page opened: %#v", msgs)
	return nil
}

func isClose(msgs []tea.Msg) bool { return len(msgs) == 1 && msgs[0] == (common.ClosePageMsg{}) }

// Each row names its exchange by what it did, not by a path tail cut
// mid-word (it was "POST …4/auth/revoke", "GET …40example.com"); other
// calls by their method and path's tail. (Was TestLogRowsNameEveryCall
// in ui, on the naming function alone.)
func TestRowsNameEveryCall(t *testing.T) {
	ctx, _, _ := logContext(t)
	base := "http://127.0.0.1:1/v1/accounts/T11223344"
	calls := []struct {
		method, url string
		body        map[string]string
		want        string
	}{
		{"POST", base + "/auth/token", map[string]string{"grant_type": "password"}, "token · password"},
		{"POST", base + "/auth/token", nil, "token"},
		{"POST", base + "/auth/mfa/challenge", map[string]string{"oob_channel": "email"}, "challenge · email"},
		{"POST", base + "/auth/mfa/challenge", map[string]string{}, "challenge · sms"},
		{"POST", base + "/auth/mfa/recovery", map[string]string{"oob_channel": "email"}, "recovery · email"},
		{"POST", base + "/auth/revoke", map[string]string{}, "revoke"},
		{"POST", "http://127.0.0.1:1/v1/accounts/T11200000/auth/exchange_token", map[string]string{"account_id": "T11200001"}, "exchange token · T11200001"},
		{"GET", base + "/management/users?search=ada%40example.com&expand=roles", nil, "users · search"},
		{"GET", base + "/management/users/usr_1/activities", nil, "user · activity"},
		{"GET", base + "/auth/keys", nil, "keys"},
		{"GET", "https://idp.example/.well-known/jwks.json", nil, "jwks"},
		{"GET", base + "/management/settings/approvals", nil, "GET …ngs/approvals"},
	}
	for _, c := range calls {
		recordCall(t, ctx, c.method, c.url, c.body, 200)
	}
	view := uitest.Screen(log.New(ctx), 78, 40)
	rows := strings.Split(view, "\n")[1:]
	if len(rows) != len(calls) {
		t.Fatalf("%d rows for %d exchanges:\n%s", len(rows), len(calls), view)
	}
	for i, c := range calls {
		if !strings.Contains(rows[i], c.want) {
			t.Errorf("%s %s: row %q, want %q", c.method, c.url, rows[i], c.want)
		}
	}
}

// The rows of an MFA flow against the fake server: time, what, took and
// status; the failed ones' status names the error; nothing of the flow's
// secrets shows; the newest row is selected. At 60 columns the time of day
// goes and what tells the rows apart stays.
func TestRowsOfAnMFAFlow(t *testing.T) {
	ctx, _, srv := logContext(t)
	runMFA(t, ctx, srv)
	p := log.New(ctx)
	view := uitest.Screen(p, 78, 20)
	uitest.RequireShows(t, view, "# time what took status",
		"1 12:00:00 token · client_credentials 0 ms 200",
		"2 12:00:00 token · password 0 ms 403 mfa_required",
		"3 12:00:00 challenge · sms 0 ms 200",
		"› 5 12:00:00 token · "+string(client.GrantMFAOOB)+" 0 ms 200")
	uitest.RequireShows(t, view, "400 invalid_grant")
	for _, secret := range []string{dinterotest.DemoSecret, dinterotest.DemoPassword, srv.LastBindingCode(dinterotest.DemoMFAUser)} {
		if strings.Contains(view, secret) {
			t.Fatalf("the log shows a secret %q:\n%s", secret, view)
		}
	}
	narrow := uitest.Screen(p, 58, 16)
	if strings.Contains(narrow, "12:00:00") {
		t.Fatalf("the time of day stays at 60 columns:\n%s", narrow)
	}
	uitest.RequireShows(t, narrow, "token · password", "403 mfa_required", "challenge · sms")
	for _, l := range strings.Split(narrow, "\n") {
		if n := len([]rune(l)); n > 58 {
			t.Fatalf("a row of %d cells at 58: %q", n, l)
		}
	}
	if p.TakesText() || p.Asking() {
		t.Fatal("the list takes text or asks")
	}
	if _, msgs := press(p, "esc"); !isClose(msgs) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// enter opens the selected exchange whole, secrets redacted: the request
// and its answer, wrapped at the width, scrolled with the arrows; c copies
// it as curl (not as a secret: the curl is redacted); esc goes back.
func TestAnExchangeInFull(t *testing.T) {
	ctx, _, srv := logContext(t)
	runMFA(t, ctx, srv)
	var p common.Page = log.New(ctx)
	p, _ = press(p, "up", "up", "up") // the password request
	_, msgs := press(p, "enter")
	ex := opened(t, msgs)
	if ex.Title() != "exchange" || ex.TakesText() {
		t.Fatalf("enter opened %q", ex.Title())
	}
	uitest.RequireShows(t, uitest.Screen(ex, 118, 200), "> POST "+srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/token", `"grant_type": "password"`, "< 403")
	full := uitest.Screen(ex, 58, 200)
	uitest.RequireShows(t, full, "> POST "+srv.URL[:20], "> /token") // wrapped, its marker on each part
	for _, secret := range []string{dinterotest.DemoSecret, dinterotest.DemoPassword} {
		if strings.Contains(full, secret) {
			t.Fatalf("the exchange shows a secret %q:\n%s", secret, full)
		}
	}
	for _, l := range strings.Split(full, "\n") {
		if n := len([]rune(l)); n > 58 {
			t.Fatalf("a line of %d cells at 58: %q", n, l)
		}
	}
	top := uitest.Screen(ex, 58, 10)
	var seen strings.Builder
	seen.WriteString(top)
	for range 100 {
		ex, _ = press(ex, "down")
		seen.WriteString("\n" + common.ClipLines(uitest.Screen(ex, 58, 10), 10))
	}
	for _, l := range strings.Split(full, "\n") {
		if !strings.Contains(seen.String(), l) {
			t.Fatalf("a line never shows while scrolling: %q", l)
		}
	}
	for range 100 {
		ex, _ = press(ex, "k")
	}
	if got := uitest.Screen(ex, 58, 10); got != top {
		t.Fatalf("up does not come back to the top:\n%s", got)
	}
	_, msgs = press(ex, "c")
	if len(msgs) != 1 {
		t.Fatalf("c: %#v", msgs)
	}
	cp, ok := msgs[0].(common.CopyMsg)
	if !ok || !strings.HasPrefix(cp.Text, "curl") || strings.Contains(cp.Text, dinterotest.DemoPassword) || strings.Contains(cp.Text, dinterotest.DemoSecret) {
		t.Fatalf("c copies %#v", msgs[0])
	}
	if _, msgs := press(ex, "esc"); !isClose(msgs) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// t opens the MFA timeline: the flow's summary and its steps, the failed
// code marked; enter opens a step's exchange; b asks the root for the
// timeline's bundle; esc goes back. With no flow it says how to get one.
func TestTheMFATimeline(t *testing.T) {
	ctx, _, srv := logContext(t)
	empty := log.New(ctx)
	_, msgs := press(empty, "t")
	uitest.RequireShows(t, uitest.Screen(opened(t, msgs), 78, 20), "No MFA flow yet this session")

	runMFA(t, ctx, srv)
	_, msgs = press(log.New(ctx), "t")
	tl := opened(t, msgs)
	if tl.Title() != log.TimelineTitle {
		t.Fatalf("the timeline is titled %q", tl.Title())
	}
	view := uitest.Screen(tl, 78, 20)
	uitest.RequireShows(t, view, "MFA completed: token issued after binding code", "! ", "403 mfa_required", "✗ binding code", "✓ binding code", "12:00:00")
	narrow := uitest.Screen(tl, 58, 16)
	for _, l := range strings.Split(narrow, "\n") {
		if n := len([]rune(l)); n > 58 {
			t.Fatalf("a line of %d cells at 58: %q", n, l)
		}
	}
	tl, _ = press(tl, "down", "down")
	_, msgs = press(tl, "enter")
	uitest.RequireShows(t, uitest.Screen(opened(t, msgs), 78, 200), "/auth/mfa/challenge")
	_, msgs = press(tl, "b")
	if len(msgs) != 1 || msgs[0] != (common.BundleAskedMsg{From: log.TimelineTitle}) {
		t.Fatalf("b: %#v", msgs)
	}
	if _, msgs := press(tl, "esc"); !isClose(msgs) {
		t.Fatalf("esc: %#v", msgs)
	}
}

// b asks the root for the bundle of the selected row's case (not of the
// token shown last); with no exchange, of what the screen below shows.
func TestBAsksForTheSelectedRowsBundle(t *testing.T) {
	ctx, _, srv := logContext(t)
	_, msgs := press(log.New(ctx), "b")
	if len(msgs) != 1 || msgs[0] != (common.BundleAskedMsg{From: "HTTP log"}) {
		t.Fatalf("b with no exchange: %#v", msgs)
	}
	runMFA(t, ctx, srv)
	_, msgs = press(log.New(ctx), "up", "b")
	if len(msgs) != 1 || msgs[0] != (common.BundleAskedMsg{From: "HTTP log", Exchange: 4}) {
		t.Fatalf("b on row 4: %#v", msgs)
	}
}

// w asks where to write the session as a HAR file (a new file named for
// the time, the whole session's count said), writes it 0600 with no
// secret in it, and never replaces a file without asking: n picks another
// name, y replaces it. esc in the question writes nothing.
func TestWAsksForAHARPathAndNeverReplacesSilently(t *testing.T) {
	ctx, _, srv := logContext(t)
	if _, msgs := press(log.New(ctx), "w"); len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "no exchanges to export yet", Err: true}) {
		t.Fatalf("w with no exchanges: %#v", msgs)
	}
	runMFA(t, ctx, srv)
	var p common.Page = log.New(ctx)
	p.SetSize(78, 20)
	p, msgs := press(p, "w")
	if len(msgs) != 0 || !p.TakesText() {
		t.Fatalf("w: %#v (takes text: %v)", msgs, p.TakesText())
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), "Write the HAR of the whole session (5 exchanges, every user's; secrets redacted) to:",
		"› tokenbench-20261128-120000.har")
	p, msgs = press(p, "esc")
	if len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "HAR not written"}) || p.TakesText() {
		t.Fatalf("esc in the question: %#v", msgs)
	}

	path := filepath.Join(t.TempDir(), "case.har")
	write := func(p common.Page) (common.Page, []tea.Msg) {
		p, _ = press(p, "w", "ctrl+u")
		p, _ = p.Update(tea.PasteMsg{Content: path})
		p, msgs := press(p, "enter")
		var out []tea.Msg
		for _, m := range msgs { // the write's answer, back to the page
			var cmd tea.Cmd
			p, cmd = p.Update(m)
			out = append(out, uitest.Messages(cmd)...)
		}
		return p, out
	}
	p, msgs = write(p)
	if len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "HAR written to " + path + " (secrets redacted)"}) {
		t.Fatalf("writing: %#v", msgs)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the HAR: %v %v", info, err)
	}
	har, _ := os.ReadFile(path)
	if !strings.Contains(string(har), `"log"`) || !strings.Contains(string(har), "mfa_required") {
		t.Fatalf("not the session's HAR:\n%.400s", har)
	}
	for _, secret := range []string{dinterotest.DemoSecret, dinterotest.DemoPassword, srv.LastBindingCode(dinterotest.DemoMFAUser)} {
		if strings.Contains(string(har), secret) {
			t.Fatalf("the HAR holds a secret %q", secret)
		}
	}

	recordCall(t, ctx, "GET", srv.URL+"/accounts/"+dinterotest.DemoAccount+"/auth/keys", nil, 200) // the session goes on
	p, msgs = write(p)
	asker := p.(common.Asker)
	if len(msgs) != 0 || !asker.Asking() || p.TakesText() {
		t.Fatalf("the same name again: %#v (asking %v)", msgs, asker.Asking())
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), path+" exists. Replace it? y replaces it · n picks another name")
	p, msgs = press(p, "x") // not an answer
	if len(msgs) != 0 || !asker.Asking() {
		t.Fatalf("x answered the question: %#v", msgs)
	}
	p, msgs = press(p, "n")
	if len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "HAR not written: pick another name"}) || asker.Asking() || !p.TakesText() {
		t.Fatalf("n: %#v", msgs)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, har) {
		t.Fatal("the HAR was replaced without asking")
	}
	p, answers := press(p, "enter")
	for _, m := range answers {
		p, _ = p.Update(m) // exists: asked again
	}
	if !asker.Asking() {
		t.Fatal("enter on the same name does not ask again")
	}
	p, answers = press(p, "y")
	msgs = nil
	for _, m := range answers {
		var cmd tea.Cmd
		p, cmd = p.Update(m)
		msgs = append(msgs, uitest.Messages(cmd)...)
	}
	if len(msgs) != 1 || msgs[0] != (common.StatusMsg{Text: "HAR written to " + path + " (secrets redacted)"}) {
		t.Fatalf("y: %#v", msgs)
	}
	if after, _ := os.ReadFile(path); bytes.Equal(after, har) || !strings.Contains(string(after), "/auth/keys") {
		t.Fatal("y did not replace the HAR with the session as it is now")
	}
}

// Keys the list does not offer do nothing; the cursor stays within the
// rows.
func TestTheCursorStaysOnTheRows(t *testing.T) {
	ctx, _, srv := logContext(t)
	runMFA(t, ctx, srv)
	var p common.Page = log.New(ctx)
	p, msgs := press(p, "down", "down", "x", "r", "space")
	if len(msgs) != 0 {
		t.Fatalf("keys not offered: %#v", msgs)
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), "› 5")
	for range 10 {
		p, _ = press(p, "up")
	}
	uitest.RequireShows(t, uitest.Screen(p, 78, 20), "› 1")
}
