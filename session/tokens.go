package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// DefaultRefreshBefore is auto-refresh's lead when a profile sets none.
const DefaultRefreshBefore = 30 * time.Second

// Backoff spaces auto-refresh attempts after failures: Min after the
// first, doubling up to Max. A server's Retry-After is waited in full when
// it asks for longer.
type Backoff struct {
	Min, Max time.Duration
}

// retryFloor is the shortest wait after a failed auto-refresh, however
// soon the token held expires.
const retryFloor = 5 * time.Second

// DefaultBackoff is a minute, doubling up to half an hour.
var DefaultBackoff = Backoff{Min: time.Minute, Max: 30 * time.Minute}

// Wait is how long to wait after the failures-th failure in a row (from 1),
// when the server asked for retryAfter (0: it did not say).
func (b Backoff) Wait(failures int, retryAfter time.Duration) time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = DefaultBackoff.Min
	}
	if hi < lo {
		hi = lo
	}
	d := lo
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	return max(min(d, hi), retryAfter)
}

// RetryAfter is the wait a server asked for in an error (a 429's
// Retry-After, found by flows.RateLimited); 0 when it did not say. The
// schedule adds it to the service's clock (as flows.NextAttempt adds it to
// the client's), so a test's clock moves it too.
func RetryAfter(err error) time.Duration {
	if limited, ok := flows.RateLimited(err); ok {
		return limited.RetryAfter
	}
	return 0
}

// entry is the token held for one profile and its refresh schedule. A new
// token held replaces the entry, so a refresh that ends after it is dropped.
type entry struct {
	profile     profiles.Profile
	res         *flows.Result
	busy        bool
	lastRefresh time.Time
	failures    int
	lastErr     error
	retryAt     time.Time
	needsMFA    bool
	// byHand says the last outcome (lastRefresh, lastErr, needsMFA) came
	// from Refresh (a refresh asked for), not from AutoRefresh.
	byHand bool
	// login is the token of the login (not a refresh) res descends from:
	// its grant is what a token whose refresh token was revoked repeats.
	login *flows.Result
}

// Outcome is what a refresh brought: a new token, or an MFA session to
// continue (the grant was repeated and the server asked for MFA; finish it
// with the flows steps, then Remember the token).
type Outcome struct {
	Result *flows.Result
	// Replaced is the token Result took the place of (a refresh of a held
	// token): a screen showing it shows Result now.
	Replaced *flows.Result
	MFA      *flows.MFASession
	Warnings []string
}

// Hold keeps res as the token of profile p for this session (in memory
// only; Remember also stores what the profile keeps). It resets the
// refresh schedule. p need not be saved: the demo's connections are held
// under their own names.
func (s *Service) Hold(p profiles.Profile, res *flows.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil {
		s.held = map[string]*entry{}
	}
	p.Secrets = maps.Clone(p.Secrets) // the caller's map may change
	login := res
	if old := s.held[p.Name]; old != nil && res != nil && res.Request.Grant == client.GrantRefreshToken {
		login = old.login
	}
	s.held[p.Name] = &entry{profile: p, res: res, login: login}
}

// HeldSecrets lists the tokens the session holds (access, refresh and ID
// tokens, and the Bearer a refresh will send): a redactor told of them by
// KeepHeldIn never forgets them, however long expired.
func (s *Service) HeldSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.held {
		if e.res == nil {
			continue
		}
		out = append(out, e.res.RefreshToken)
		if r := e.res.Response; r != nil {
			id, _ := r.Fields["id_token"].(string)
			out = append(out, r.AccessToken, r.RefreshToken, id)
		}
		if b, ok := e.res.Auth.(client.BearerAuth); ok {
			out = append(out, b.Token)
		}
		if b, ok := e.res.Auth.(*client.BearerAuth); ok && b != nil {
			out = append(out, b.Token)
		}
	}
	return out
}

// KeepHeldIn tells rd of the tokens the session holds, for as long as it
// holds them (Redactor.Keep); once per redactor. Refreshes do it for the
// redactor of each runner they make.
func (s *Service) KeepHeldIn(rd *record.Redactor) {
	if rd == nil {
		return
	}
	s.mu.Lock()
	if s.keptIn == nil {
		s.keptIn = map[*record.Redactor]bool{}
	}
	known := s.keptIn[rd]
	s.keptIn[rd] = true
	s.mu.Unlock()
	if !known {
		rd.Keep(s.HeldSecrets)
	}
}

// Held returns the token held for the profile called name.
func (s *Service) Held(name string) (*flows.Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.held[name]
	if e == nil {
		return nil, false
	}
	return e.res, true
}

// Forget drops the token held for name.
func (s *Service) Forget(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, name)
}

// reprofile follows a saved edit: the held token moves to the new name and
// the schedule follows the new settings.
func (s *Service) reprofile(oldName string, p profiles.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.held[oldName]
	if e == nil {
		return
	}
	delete(s.held, oldName)
	p.Secrets = maps.Clone(p.Secrets)
	e.profile = p
	s.held[p.Name] = e
}

// Remember keeps a new token of profile p the way the profile says, in
// this order: a refresh token the server sent is stored first (under the
// store's lock, before the token is handed out: losing it could lock the
// profile out), then the tokens of a keep_tokens profile, then the token is
// held. A refresh token that cannot be stored is a *KeepError (the token is
// held all the same); tokens that cannot be kept are a warning.
func (s *Service) Remember(p profiles.Profile, res *flows.Result) ([]string, error) {
	warnings, err := s.store(p, res)
	if res != nil {
		s.Hold(p, res)
	}
	return warnings, err
}

// store is Remember without holding.
func (s *Service) store(p profiles.Profile, res *flows.Result) ([]string, error) {
	if s.Secrets == nil || res == nil || res.Response == nil {
		return nil, nil
	}
	var warnings []string
	var keepErr error
	if rt := res.Response.RefreshToken; rt != "" {
		if err := s.Secrets.StoreRotated(p, rt); err != nil {
			keepErr = &KeepError{Profile: p.Name, Err: err}
		}
	}
	kept := profiles.KeptTokens{AccessToken: res.Response.AccessToken, RefreshToken: res.RefreshToken, ExpiresAt: res.Expiry.At}
	if err := s.Secrets.KeepTokens(p, kept); err != nil {
		// Keeping tokens is a convenience: the token is good all the same.
		first, _, _ := strings.Cut(err.Error(), ";")
		warnings = append(warnings, fmt.Sprintf("profile %s: the token was not kept for later: %s", p.Name, textsafe.Sanitize(first)))
	}
	return warnings, keepErr
}

// exclusive runs fn holding p's profile lock when p keeps a refresh token
// in the store; other processes refreshing p wait for it.
func (s *Service) exclusive(ctx context.Context, p profiles.Profile, fn func() error) error {
	if s.Store == nil || s.Secrets == nil || !(profiles.SourceOf(p, profiles.RefreshToken).Stored() || p.KeepTokens) {
		return fn()
	}
	return s.Store.WithProfileLock(ctx, p.Name, fn)
}

// Run obtains a token for profile p by running fn on req (the caller's
// flow, with its prompts or MFA steps), then Remembers it. When req is a
// refresh_token grant with no refresh token and p stores one, Run reads it
// under p's profile lock and keeps the lock until the rotated one is
// stored, so two processes never spend the same refresh token. fn may
// return a nil result (an MFA session the caller continues; it Remembers
// the token at the end). The result comes back with a *KeepError too.
func (s *Service) Run(ctx context.Context, p profiles.Profile, req flows.Request, fn func(context.Context, flows.Request) (*flows.Result, error)) (*flows.Result, []string, error) {
	var (
		res      *flows.Result
		warnings []string
	)
	run := func() error {
		var err error
		if res, err = fn(ctx, req); err != nil || res == nil {
			return err
		}
		warnings, err = s.Remember(p, res)
		return err
	}
	spend := req.Grant == client.GrantRefreshToken && req.RefreshToken == "" && s.Secrets != nil &&
		profiles.SourceOf(p, profiles.RefreshToken).Stored()
	if !spend {
		err := s.ExplainRefused(ctx, p, req, run())
		return res, warnings, err
	}
	err := s.exclusive(ctx, p, func() error {
		rt, err := s.Secrets.Get(ctx, p, profiles.RefreshToken)
		if err != nil {
			return fmt.Errorf("profile %s: %w", p.Name, err)
		}
		req.RefreshToken = rt
		return lostRefreshToken(p, run())
	})
	return res, warnings, err
}

// ExplainRefused turns the server's invalid_grant to a refresh_token
// grant that spent the refresh token p stores (read from the store, as
// the TUI's form does) into a *RefreshTokenLostError, which says what
// happened and which login restores it. Other errors pass unchanged.
func (s *Service) ExplainRefused(ctx context.Context, p profiles.Profile, req flows.Request, err error) error {
	if err == nil || req.Grant != client.GrantRefreshToken || req.RefreshToken == "" || s.Secrets == nil ||
		!profiles.SourceOf(p, profiles.RefreshToken).Stored() {
		return err
	}
	if stored, gerr := s.Secrets.Get(ctx, p, profiles.RefreshToken); gerr != nil || stored != req.RefreshToken {
		return err
	}
	return lostRefreshToken(p, err)
}

// latestRefreshToken is the refresh token p stores now (another process may
// have rotated it since this one read it); "" when it stores none.
func (s *Service) latestRefreshToken(ctx context.Context, p profiles.Profile) string {
	if s.Secrets == nil {
		return ""
	}
	if profiles.SourceOf(p, profiles.RefreshToken).Stored() {
		if v, err := s.Secrets.Get(ctx, p, profiles.RefreshToken); err == nil {
			return v
		}
	}
	if kept, err := s.Secrets.KeptTokens(ctx, p); err == nil {
		return kept.RefreshToken
	}
	return ""
}

// Refresh gets a new token for the one held for name: with the refresh
// token (the latest stored one, under the profile lock) or by repeating the
// grant. The new token is remembered and held. Its error also counts
// towards auto-refresh's backoff, except a cancel (context.Canceled).
func (s *Service) Refresh(ctx context.Context, name string) (Outcome, error) {
	return s.refresh(ctx, name, false)
}

// AutoRefresh is Refresh when auto-refresh is due for name, checked and
// claimed atomically; ErrNotDue otherwise (not an error to show).
func (s *Service) AutoRefresh(ctx context.Context, name string) (Outcome, error) {
	return s.refresh(ctx, name, true)
}

func (s *Service) refresh(ctx context.Context, name string, auto bool) (Outcome, error) {
	s.mu.Lock()
	e := s.held[name]
	switch {
	case e == nil:
		s.mu.Unlock()
		return Outcome{}, fmt.Errorf("%w: %s", ErrNotHeld, name)
	case auto && !s.dueLocked(e, s.now()):
		s.mu.Unlock()
		return Outcome{}, ErrNotDue
	case e.busy:
		s.mu.Unlock()
		return Outcome{}, fmt.Errorf("%w: %s", ErrBusy, name)
	}
	e.busy = true
	prev, p := e.res, e.profile
	s.mu.Unlock()

	var out Outcome
	err := func() error {
		if s.NewRunner == nil {
			return errors.New("no runner to refresh with")
		}
		runner, err := s.NewRunner(p.BaseURLOrDefault())
		if err != nil {
			return err
		}
		if runner.Client != nil {
			s.KeepHeldIn(runner.Client.Redactor())
		}
		return s.exclusive(ctx, p, func() error {
			from := *prev
			stored := s.latestRefreshToken(ctx, p)
			if stored != "" {
				from.RefreshToken = stored
			}
			// Without a refresh token, repeating the request as it is
			// may be refused: the refresh plan says what to do instead.
			repeat, why := RefreshPlan(&from)
			if why != "" {
				return errors.New(why)
			}
			if repeat != nil {
				from = flows.Result{Request: *repeat}
			}
			res, mfa, err := runner.Refresh(ctx, &from)
			switch {
			case err != nil && stored != "":
				return lostRefreshToken(p, err)
			case err != nil:
				return err
			case mfa != nil:
				out.MFA = mfa
				return nil
			}
			out.Result, out.Replaced = res, prev
			out.Warnings, err = s.store(p, res)
			return err
		})
	}()

	s.mu.Lock()
	defer s.mu.Unlock()
	e.busy = false
	if s.held[name] != e {
		// A new token was held (or the profile forgotten) meanwhile: this
		// refresh no longer describes what is held.
		return out, err
	}
	now := s.now()
	if out.Result != nil || out.MFA != nil || err != nil && !errors.Is(err, context.Canceled) {
		e.byHand = !auto
	}
	switch {
	case out.Result != nil:
		// Held even when its refresh token could not be stored (err is a
		// *KeepError then, shown by State.Note).
		e.res = out.Result
		if out.Result.Request.Grant != client.GrantRefreshToken {
			e.login = out.Result // the grant repeated: a new login
		}
		e.failures, e.lastErr, e.retryAt, e.needsMFA = 0, err, time.Time{}, false
		e.lastRefresh = now
	case out.MFA != nil:
		e.needsMFA = true
	case errors.Is(err, context.Canceled):
		// Cancelled by the caller (esc while sending, or quitting): no
		// answer, so no failure; the schedule stays as it was.
	case err != nil:
		e.failures++
		e.lastErr = err
		wait := s.Backoff.Wait(e.failures, RetryAfter(err))
		if RetryAfter(err) == 0 && e.res != nil && e.res.Expiry.Known() {
			// The token held is still good: the next try comes before it
			// expires, halving what is left (never sooner than
			// retryFloor). A server that asked for a wait gets it whole.
			if left := e.res.Expiry.At.Sub(now); left > 0 {
				wait = min(wait, max(retryFloor, left/2))
			}
		}
		e.retryAt = now.Add(wait)
	}
	return out, err
}

// refreshBefore is how long before expiry p is auto-refreshed.
func refreshBefore(p profiles.Profile) time.Duration {
	if d := time.Duration(p.RefreshBefore); d > 0 {
		return d
	}
	return DefaultRefreshBefore
}

// nextLocked is when e is next auto-refreshed; false when never (off, no
// expiry, running, or waiting for MFA).
func nextLocked(e *entry) (time.Time, bool) {
	if !e.profile.AutoRefresh || e.busy || e.needsMFA || e.res == nil || !e.res.Expiry.Known() {
		return time.Time{}, false
	}
	at := e.res.Expiry.At.Add(-refreshBefore(e.profile))
	if e.retryAt.After(at) {
		at = e.retryAt
	}
	return at, true
}

func (s *Service) dueLocked(e *entry, now time.Time) bool {
	at, ok := nextLocked(e)
	return ok && !at.After(now)
}

// NextRefresh is when the token held for name is next auto-refreshed;
// false when it will not be.
func (s *Service) NextRefresh(name string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.held[name]
	if e == nil {
		return time.Time{}, false
	}
	return nextLocked(e)
}

// Due lists, sorted, the names whose auto-refresh is due now. Run
// AutoRefresh for each (it checks again, so a name listed twice by two
// ticks is refreshed once).
func (s *Service) Due() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var names []string
	for name, e := range s.held {
		if s.dueLocked(e, now) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// State is what the session knows of one profile's token, for a screen.
type State struct {
	Held        *flows.Result // nil when none
	AutoRefresh bool
	Next        time.Time // next auto-refresh; zero when none is scheduled
	Refreshing  bool
	LastRefresh time.Time // when a refresh last succeeded
	Failures    int       // failed refreshes in a row
	LastErr     error
	RetryAt     time.Time // auto-refresh waits until then after a failure
	NeedsMFA    bool      // the grant needs MFA again: auto-refresh stopped
	// ByHand says LastRefresh, LastErr and NeedsMFA are the outcome of a
	// refresh asked for (Refresh), not of auto-refresh.
	ByHand bool
}

// State returns the state of the token held for name.
func (s *Service) State(name string) State {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.held[name]
	if e == nil {
		return State{}
	}
	next, _ := nextLocked(e)
	return State{Held: e.res, AutoRefresh: e.profile.AutoRefresh, Next: next, Refreshing: e.busy,
		LastRefresh: e.lastRefresh, Failures: e.failures, LastErr: e.lastErr, RetryAt: e.retryAt, NeedsMFA: e.needsMFA, ByHand: e.byHand}
}

// Note says in one sanitised line what the last refresh did and what
// auto-refresh will do; "" when there is nothing to say. It names
// auto-refresh only for what auto-refresh did or will do: a refresh asked
// for is told as one, and a profile with auto-refresh off hears nothing of
// it.
func (st State) Note(now time.Time) string {
	in := func(t time.Time) string { return max(t.Sub(now), 0).Round(time.Second).String() }
	refreshed := "auto-refreshed at "
	if st.ByHand {
		refreshed = "refreshed by hand at "
	}
	switch {
	case st.Refreshing:
		return "refreshing…"
	case st.NeedsMFA && st.ByHand:
		return "refresh needs MFA: run the profile again"
	case st.NeedsMFA:
		return "auto-refresh needs MFA: run the profile again"
	case errors.As(st.LastErr, new(*KeepError)):
		return refreshed + st.LastRefresh.Format("15:04:05") + ", but " + textsafe.Sanitize(st.LastErr.Error())
	case isRateLimited(st.LastErr) && st.AutoRefresh:
		return "rate limited: auto-refresh retries in " + in(st.RetryAt)
	case st.LastErr != nil:
		msg := textsafe.Sanitize(st.LastErr.Error())
		if st.AutoRefresh {
			return "refresh failed: " + msg + "; auto-refresh retries in " + in(st.RetryAt)
		}
		return "refresh failed: " + msg
	case !st.LastRefresh.IsZero():
		return refreshed + st.LastRefresh.Format("15:04:05")
	case !st.Next.IsZero():
		return "auto-refresh in " + in(st.Next)
	}
	return ""
}

// LoadKept holds the tokens the keep_tokens profiles among ps kept, where
// no token is held yet; their secrets are read for a refresh later (one
// asked for each time stays empty). It returns how many it holds.
func (s *Service) LoadKept(ctx context.Context, ps []profiles.Profile) int {
	if s.Secrets == nil {
		return 0
	}
	n := 0
	for _, p := range ps {
		if !p.KeepTokens {
			continue
		}
		if _, ok := s.Held(p.Name); ok {
			continue
		}
		if res, ok := s.restore(ctx, p); ok {
			s.mu.Lock()
			if s.held[p.Name] == nil {
				if s.held == nil {
					s.held = map[string]*entry{}
				}
				s.held[p.Name] = &entry{profile: p, res: res}
				n++
			}
			s.mu.Unlock()
		}
	}
	return n
}

func (s *Service) restore(ctx context.Context, p profiles.Profile) (*flows.Result, bool) {
	kept, err := s.Secrets.KeptTokens(ctx, p)
	if err != nil {
		return nil, false
	}
	req := p.Request()
	_ = s.Fill(ctx, p, &req, nil)
	return flows.Restore(req, kept.AccessToken, kept.RefreshToken, kept.ExpiresAt, nil), true
}

// Usable returns a token for p that is valid for at least minValidity: the
// one held, else the one p kept across restarts (which is then held);
// false when neither will do and the grant must run.
func (s *Service) Usable(ctx context.Context, p profiles.Profile, minValidity time.Duration) (*flows.Result, bool) {
	now := s.now()
	good := func(r *flows.Result) bool {
		return r != nil && r.Expiry.Known() && r.Expiry.At.Sub(now) > minValidity
	}
	if res, ok := s.Held(p.Name); ok && good(res) {
		return res, true
	}
	if s.Secrets == nil || !p.KeepTokens {
		return nil, false
	}
	res, ok := s.restore(ctx, p)
	if !ok || !good(res) {
		return nil, false
	}
	s.Hold(p, res)
	return res, true
}

func isRateLimited(err error) bool {
	_, ok := flows.RateLimited(err)
	return ok
}
