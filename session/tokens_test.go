package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// runStart is the flow a caller hands to Run: the grant without MFA.
func runStart(t *testing.T, svc *Service, p profiles.Profile) func(context.Context, flows.Request) (*flows.Result, error) {
	return func(ctx context.Context, req flows.Request) (*flows.Result, error) {
		runner, err := svc.NewRunner(p.BaseURLOrDefault())
		if err != nil {
			return nil, err
		}
		res, mfa, err := runner.Start(ctx, req)
		if mfa != nil {
			return nil, errors.New("unexpected MFA")
		}
		return res, err
	}
}

// refreshProfile is a refresh_token profile whose refresh token (from a
// password grant) and client secret are in the keyring.
func refreshProfile(t *testing.T, svc *Service, srv *dinterotest.Server) profiles.Profile {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	first, _, err := flows.NewRunner(c).Start(ctx, flows.Request{Account: dinterotest.DemoAccount, Grant: client.GrantPassword,
		ClientID: dinterotest.DemoClientID, ClientSecret: dinterotest.DemoSecret, Username: dinterotest.DemoUser, Password: dinterotest.DemoPassword})
	if err != nil || first.RefreshToken == "" {
		t.Fatalf("password grant: %v (refresh token %q)", err, first.RefreshToken)
	}
	p := clientProfile("rt", srv.URL)
	p.Grant = string(client.GrantRefreshToken)
	p.Secrets[profiles.RefreshToken] = profiles.SourceKeyring
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: dinterotest.DemoSecret, profiles.RefreshToken: first.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two processes (here: two services, each with a Store of its own, on one
// config directory and one keyring) refresh the same profile against a
// server that rotates refresh tokens and revokes the spent one. Every
// refresh succeeds, and the stored refresh token is the last one issued.
func TestConcurrentRefreshesKeepTheRotatedRefreshToken(t *testing.T) {
	cfg := dinterotest.DemoConfig(time.Hour)
	cfg.RotateRefreshTokens = true
	srv := fakeServer(t, cfg)
	dir, kr := configDir(t), newFakeKeyring()
	setup := newService(t, dir, kr)
	p := refreshProfile(t, setup, srv)

	const perProcess = 5
	var wg sync.WaitGroup
	errs := make(chan error, 2*perProcess)
	for proc := range 2 {
		svc := newService(t, dir, kr) // a Store of its own, as a process has
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := range perProcess {
				// The CLI's way: token -p with the stored refresh token.
				req := p.Request()
				req.ClientSecret = dinterotest.DemoSecret
				res, _, err := svc.Run(ctx, p, req, runStart(t, svc, p))
				if err != nil {
					errs <- fmt.Errorf("process %d, run %d: %w", proc, i, err)
					continue
				}
				// The TUI's way: refresh the token it holds.
				if _, ok := svc.Held(p.Name); !ok || res.Response.RefreshToken == "" {
					errs <- fmt.Errorf("process %d, run %d: no rotated token held", proc, i)
					continue
				}
				if _, err := svc.Refresh(ctx, p.Name); err != nil {
					errs <- fmt.Errorf("process %d, refresh %d: %w", proc, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The stored refresh token is the live one: one more refresh works.
	req := p.Request()
	req.ClientSecret = dinterotest.DemoSecret
	if _, _, err := setup.Run(context.Background(), p, req, runStart(t, setup, p)); err != nil {
		t.Fatalf("the stored refresh token was lost: %v", err)
	}
}

// heldToken holds a client_credentials token for an auto-refresh profile,
// with the service's clock at the token's expiry minus before.
func heldToken(t *testing.T, svc *Service, p profiles.Profile) (*flows.Result, *time.Time) {
	t.Helper()
	req := p.Request()
	req.ClientSecret = dinterotest.DemoSecret
	res, _, err := svc.Run(context.Background(), p, req, runStart(t, svc, p))
	if err != nil {
		t.Fatal(err)
	}
	now := res.Expiry.At.Add(-time.Duration(p.RefreshBefore) - time.Second)
	svc.Now = func() time.Time { return now }
	return res, &now
}

func TestAutoRefreshScheduleBackoffAndRetryAfter(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("auto", srv.URL)
	p.AutoRefresh, p.RefreshBefore = true, profiles.Duration(2*time.Minute)
	if err := svc.Create(context.Background(), p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	first, now := heldToken(t, svc, p)
	ctx := context.Background()

	next, ok := svc.NextRefresh("auto")
	if !ok || !next.Equal(first.Expiry.At.Add(-2*time.Minute)) {
		t.Fatalf("next refresh %v %v, want expiry - 2m", next, ok)
	}
	if due := svc.Due(); len(due) != 0 {
		t.Fatalf("due a second early: %v", due)
	}
	if _, err := svc.AutoRefresh(ctx, "auto"); !errors.Is(err, ErrNotDue) {
		t.Fatalf("auto-refresh before due: %v", err)
	}
	*now = next
	if due := svc.Due(); len(due) != 1 || due[0] != "auto" {
		t.Fatalf("due: %v", due)
	}

	// Rate limited with Retry-After 300 s: waited in full (over the 1 m
	// backoff), and said so.
	srv.SetFault(&dinterotest.Fault{Status: 429, RetryAfter: 300, Times: 1})
	if _, err := svc.AutoRefresh(ctx, "auto"); RetryAfter(err) != 5*time.Minute {
		t.Fatalf("429: %v (retry after %v)", err, RetryAfter(err))
	}
	if next, _ := svc.NextRefresh("auto"); !next.Equal(now.Add(5 * time.Minute)) {
		t.Fatalf("after a 429 with Retry-After 300: next %v, want now + 5m", next.Sub(*now))
	}
	if note := svc.State("auto").Note(*now); note != "rate limited: auto-refresh retries in 5m0s" {
		t.Fatalf("note: %q", note)
	}
	if _, err := svc.AutoRefresh(ctx, "auto"); !errors.Is(err, ErrNotDue) {
		t.Fatalf("auto-refresh while waiting: %v", err)
	}

	// Failures without Retry-After back off: 2 m after the second in a
	// row, 4 m after the third.
	srv.SetFault(&dinterotest.Fault{Status: 503, Times: 2})
	for i, want := range []time.Duration{2 * time.Minute, 4 * time.Minute} {
		*now, _ = svc.NextRefresh("auto")
		if _, err := svc.AutoRefresh(ctx, "auto"); err == nil {
			t.Fatal("503 gave no error")
		}
		if next, _ := svc.NextRefresh("auto"); next.Sub(*now) != want {
			t.Fatalf("failure %d: waits %v, want %v", i+2, next.Sub(*now), want)
		}
	}
	if st := svc.State("auto"); st.Failures != 3 || !strings.Contains(st.Note(*now), "503") {
		t.Fatalf("state %+v, note %q", st, st.Note(*now))
	}

	// The server is back: the new token is held and the schedule restarts.
	*now, _ = svc.NextRefresh("auto")
	out, err := svc.AutoRefresh(ctx, "auto")
	if err != nil || out.Result == nil {
		t.Fatalf("refresh: %v", err)
	}
	if held, _ := svc.Held("auto"); held != out.Result {
		t.Fatal("the new token is not held")
	}
	if st := svc.State("auto"); st.Failures != 0 || st.LastErr != nil || !st.Next.Equal(out.Result.Expiry.At.Add(-2*time.Minute)) {
		t.Fatalf("state after success: %+v", st)
	}
}

// Two ticks that both see a refresh due start it once.
func TestAutoRefreshIsClaimedOnce(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("auto", srv.URL)
	p.AutoRefresh = true
	if err := svc.Create(context.Background(), p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	heldToken(t, svc, p)
	before := srv.Requests()
	// The clock stands still, so a token issued in the same second is due
	// again: the refresh is slowed down so that all four calls come while
	// it runs, as two ticks' calls would.
	srv.SetFault(&dinterotest.Fault{Latency: 500 * time.Millisecond, Times: 1})
	var wg sync.WaitGroup
	results := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.AutoRefresh(context.Background(), "auto")
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrNotDue), errors.Is(err, ErrBusy):
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || srv.Requests()-before != 1 {
		t.Fatalf("%d refreshes, %d requests; want 1 and 1", ok, srv.Requests()-before)
	}
}

// A repeated grant that needs MFA stops auto-refresh until a token is held
// again.
func TestAutoRefreshStopsWhenMFAIsNeeded(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("mfa", srv.URL)
	p.Grant, p.Username, p.AutoRefresh = string(client.GrantPassword), dinterotest.DemoMFAUser, true
	req := p.Request()
	req.ClientSecret, req.Password = dinterotest.DemoSecret, dinterotest.DemoPassword
	// A token as if MFA had been passed: held with the request it came from.
	c, _ := client.New(client.Options{BaseURL: srv.URL})
	cc, _, err := flows.NewRunner(c).Start(context.Background(), flows.Request{Account: p.Account, Grant: client.GrantClientCredentials, ClientID: p.ClientID, ClientSecret: dinterotest.DemoSecret})
	if err != nil {
		t.Fatal(err)
	}
	res := flows.Restore(req.Normalized(), cc.Response.AccessToken, "", cc.Expiry.At, nil)
	svc.Hold(p, res)
	now := res.Expiry.At
	svc.Now = func() time.Time { return now }

	out, err := svc.AutoRefresh(context.Background(), "mfa")
	if err != nil || out.MFA == nil {
		t.Fatalf("refresh: %+v %v, want an MFA session", out, err)
	}
	if _, ok := svc.NextRefresh("mfa"); ok || len(svc.Due()) != 0 {
		t.Fatal("auto-refresh still scheduled after mfa_required")
	}
	if note := svc.State("mfa").Note(now); !strings.Contains(note, "needs MFA") {
		t.Fatalf("note: %q", note)
	}
	svc.Hold(p, res)
	if _, ok := svc.NextRefresh("mfa"); !ok {
		t.Fatal("a token held again is not scheduled")
	}
}

// A rotated refresh token that cannot be stored is an error the caller
// sees (the CLI fails; the TUI warns), and the token is held all the same.
func TestRememberRotatedRefreshTokenFirst(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	p, req := savedPasswordProfile(t, svc, srv.URL)
	ctx := context.Background()
	res, warnings, err := svc.Run(ctx, p, req, runStart(t, svc, p))
	if err != nil || len(warnings) != 0 {
		t.Fatalf("run: %v %v", err, warnings)
	}
	if got := secretOf(t, svc, "pw", profiles.RefreshToken); got != res.Response.RefreshToken {
		t.Fatalf("stored refresh token %q, want the new one", got)
	}
	kept, err := svc.Secrets.KeptTokens(ctx, p)
	if err != nil || kept.AccessToken != res.Response.AccessToken || kept.RefreshToken != res.RefreshToken {
		t.Fatalf("kept: %+v %v", kept, err)
	}

	// The keyring fails at the rotated refresh token (its first call).
	kr.arm(1)
	res2, _, err := svc.Run(ctx, p, req, func(ctx context.Context, r flows.Request) (*flows.Result, error) {
		return runStart(t, svc, p)(ctx, r)
	})
	var keepErr *KeepError
	if !errors.As(err, &keepErr) || res2 == nil {
		t.Fatalf("run with a failing keyring: %v", err)
	}
	if held, _ := svc.Held("pw"); held != res2 {
		t.Fatal("the token was not held")
	}
	if strings.Contains(err.Error(), res2.Response.RefreshToken) {
		t.Fatal("the refresh token is in the error")
	}
}

func TestUsableReusesAKeptToken(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	dir, kr := configDir(t), newFakeKeyring()
	svc := newService(t, dir, kr)
	p := clientProfile("keep", srv.URL)
	p.KeepTokens = true
	ctx := context.Background()
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	res, now := heldToken(t, svc, p)
	*now = res.Expiry.At.Add(-10 * time.Minute)

	// A new process finds it kept.
	later := newService(t, dir, kr)
	later.Now = func() time.Time { return *now }
	got, ok := later.Usable(ctx, p, time.Minute)
	if !ok || got.Response.AccessToken != res.Response.AccessToken {
		t.Fatalf("usable: %v", ok)
	}
	if n := newService(t, dir, kr).LoadKept(ctx, []profiles.Profile{p, clientProfile("other", srv.URL)}); n != 1 {
		t.Fatalf("LoadKept held %d", n)
	}
	// Not when it expires within the margin.
	*now = res.Expiry.At.Add(-30 * time.Second)
	later.Forget("keep")
	if _, ok := later.Usable(ctx, p, time.Minute); ok {
		t.Fatal("a token with 30 s left was usable")
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Min: time.Minute, Max: 10 * time.Minute}
	for _, tc := range []struct {
		failures   int
		retryAfter time.Duration
		want       time.Duration
	}{
		{1, 0, time.Minute}, {2, 0, 2 * time.Minute}, {4, 0, 8 * time.Minute}, {5, 0, 10 * time.Minute}, {60, 0, 10 * time.Minute},
		{1, 30 * time.Second, time.Minute}, {1, time.Hour, time.Hour},
	} {
		if got := b.Wait(tc.failures, tc.retryAfter); got != tc.want {
			t.Errorf("Wait(%d, %v) = %v, want %v", tc.failures, tc.retryAfter, got, tc.want)
		}
	}
}

// An edit of a profile that holds a token follows the token: a rename
// moves it, turning auto-refresh on schedules it, a delete drops it.
func TestHeldTokenFollowsEdits(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	ctx := context.Background()
	p := clientProfile("a", srv.URL)
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	res, _ := heldToken(t, svc, p)
	if _, ok := svc.NextRefresh("a"); ok {
		t.Fatal("scheduled without auto_refresh")
	}
	edited := p
	edited.Name, edited.AutoRefresh = "b", true
	if err := svc.Update(ctx, "a", edited, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.Held("a"); ok {
		t.Fatal("still held under the old name")
	}
	if held, ok := svc.Held("b"); !ok || held != res {
		t.Fatal("not held under the new name")
	}
	if next, ok := svc.NextRefresh("b"); !ok || !next.Equal(res.Expiry.At.Add(-DefaultRefreshBefore)) {
		t.Fatalf("next refresh %v %v", next, ok)
	}
	if err := svc.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.Held("b"); ok {
		t.Fatal("held after delete")
	}
}

// Issue (sess 2): a refresh the user cancelled (esc while sending) counted
// as an auto-refresh failure: "refresh failed: token request: cancelled",
// a minute's backoff, and the token expired waiting for it. A cancel is no
// failure: the schedule and the note stay as they were.
func TestCancelledRefreshIsNoFailure(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("auto", srv.URL)
	p.AutoRefresh, p.RefreshBefore = true, profiles.Duration(2*time.Minute)
	if err := svc.Create(context.Background(), p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	first, now := heldToken(t, svc, p)
	before := svc.State("auto")
	noteBefore := before.Note(*now)

	// r, then esc while the request hangs.
	srv.SetFault(&dinterotest.Fault{Hang: true, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	out, err := svc.Refresh(ctx, "auto")
	if !errors.Is(err, context.Canceled) || out.Result != nil {
		t.Fatalf("cancelled refresh: %v, %+v", err, out)
	}
	st := svc.State("auto")
	if note := st.Note(*now); note != noteBefore || strings.Contains(note, "failed") {
		t.Fatalf("note after a cancel: %q, was %q", note, noteBefore)
	}
	if st.Failures != 0 || st.LastErr != nil || !st.RetryAt.IsZero() || !st.Next.Equal(before.Next) {
		t.Fatalf("state after a cancel: %+v, was %+v", st, before)
	}
	if held, _ := svc.Held("auto"); held != first {
		t.Fatal("the held token changed")
	}
	// Auto-refresh runs when it was due, against the healthy server.
	*now = first.Expiry.At.Add(-2 * time.Minute)
	if due := svc.Due(); len(due) != 1 {
		t.Fatalf("due at expiry - 2m: %v", due)
	}
	if out, err := svc.AutoRefresh(context.Background(), "auto"); err != nil || out.Result == nil {
		t.Fatalf("auto-refresh after the cancel: %v", err)
	}
}

// A failed auto-refresh of a token that is still good tries again before
// it expires (halving what is left), not a backoff minute later when it
// is dead; once it has expired, the backoff applies.
func TestAutoRefreshRetriesBeforeTheTokenExpires(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(time.Hour))
	svc := newService(t, configDir(t), newFakeKeyring())
	p := clientProfile("auto", srv.URL)
	p.AutoRefresh, p.RefreshBefore = true, profiles.Duration(30*time.Second)
	if err := svc.Create(context.Background(), p, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	first, now := heldToken(t, svc, p)
	*now, _ = svc.NextRefresh("auto") // 30 s before it expires
	srv.SetFault(&dinterotest.Fault{Status: 503, Times: 3})
	for _, want := range []time.Duration{15 * time.Second, 7500 * time.Millisecond} {
		if _, err := svc.AutoRefresh(context.Background(), "auto"); err == nil {
			t.Fatal("503 gave no error")
		}
		next, _ := svc.NextRefresh("auto")
		if next.Sub(*now) != want || !next.Before(first.Expiry.At) {
			t.Fatalf("retries %v after the failure (expiry in %v), want %v", next.Sub(*now), first.Expiry.At.Sub(*now), want)
		}
		*now = next
	}
	*now = first.Expiry.At.Add(time.Second) // expired: the backoff applies
	if _, err := svc.AutoRefresh(context.Background(), "auto"); err == nil {
		t.Fatal("503 gave no error")
	}
	if next, _ := svc.NextRefresh("auto"); next.Sub(*now) != 4*time.Minute {
		t.Fatalf("after expiry the third failure waits %v, want the backoff's 4m", next.Sub(*now))
	}
}
