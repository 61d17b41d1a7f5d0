// Package session is the workbench's state that outlives a screen or a
// command, with one set of rules for the CLI and the TUI: the tokens held
// per profile, their auto-refresh schedule (with backoff, honouring a
// server's Retry-After), saving profiles with their secrets
// (transactionally), and remembering a new token and a rotated refresh
// token before either is used.
//
// It is plain Go: no Bubble Tea, no terminal. Every method is safe for
// concurrent use; the ones that touch the keyring, the files or the network
// block, so a TUI calls them inside a tea.Cmd and sends the result back as
// a message. See Example for a whole run against the fake server.
//
// # Profiles
//
//	svc := session.New(store, secrets, newRunner) // store, secrets nil in the demo: ErrNoStore
//	err := svc.Create(ctx, p, session.Values{profiles.ClientSecret: typed})
//	err = svc.Update(ctx, "old-name", edited, typedValues) // edit; a rename when edited.Name differs
//	err = svc.Rename(ctx, "a", "b")                        // profiles.ErrExists when b exists
//	err = svc.Duplicate(ctx, "a", "a-copy")                // the copy gets a's stored secrets
//	err = svc.Delete(ctx, "a")
//
// Saving checks first (a taken name is profiles.ErrExists, a missing one
// profiles.ErrNotFound, and nothing is touched), writes the new secrets,
// then the profiles file, then deletes what the old name or old source
// kept. A failure before the last step undoes the secrets written, so both
// profiles stay as they were; a failure in the last is a *CleanupError (the
// change is saved). Secrets not given in Values are carried over from the
// old name or source.
//
// # Tokens
//
// Run obtains a token for a profile with the caller's flow (the CLI's
// prompts, or the first step of the TUI's MFA screens) and remembers it;
// Remember does the same for a token obtained otherwise (after MFA). Both
// store a refresh token the server sent before returning, and hold the
// token: Held(name) returns it, Forget drops it. A *KeepError means the
// token is good and held but its refresh token could not be stored (the
// CLI fails; the TUI shows a warning). LoadKept holds the tokens
// keep_tokens profiles kept across restarts (call it at start-up); Usable
// returns a held or kept token still good for a while (exec -p).
//
// Tokens that are not a saved profile's (the demo's connections) are held
// under a profiles.Profile with just a Name and BaseURL. A token saved as a
// new profile (the token view's "save as profile") is Create, then
// Remember(p, res).
//
//	res, warnings, err := svc.Run(ctx, p, req, func(ctx context.Context, req flows.Request) (*flows.Result, error) {
//		return runner.Run(ctx, req, channel, prompter, nil)
//	})
//
// # A request, driven by a screen or a command
//
// Flow is one request from send to result, with these rules: Start sends
// it and remembers the token of a held profile, Refresh and Revoke go
// through the session (the latest stored refresh token, under the
// profile's lock) for a held one, RefreshPlan says when a token without a
// refresh token must repeat its sign-in instead, and Hint says what to
// check after an error. The TUI wraps each call in a tea.Cmd.
//
// # Auto-refresh, driven by a TUI
//
// The service keeps no timer and starts no goroutine: the TUI's one-second
// tick asks what is due and runs each refresh in a command of its own.
//
//	case tickMsg:
//		var cmds []tea.Cmd
//		for _, name := range m.svc.Due() {
//			cmds = append(cmds, func() tea.Msg {
//				out, err := m.svc.AutoRefresh(context.Background(), name)
//				return autoRefreshedMsg{name: name, out: out, err: err} // drop session.ErrNotDue
//			})
//		}
//		return m, tea.Batch(append(cmds, tick())...)
//
//	// View: when it runs and what it last did, in one line.
//	next, ok := m.svc.NextRefresh(name)
//	note := m.svc.State(name).Note(m.ctx.Now()) // "auto-refresh in 4m0s", "rate limited: auto-refresh retries in 30s", …
//
// AutoRefresh checks and claims the refresh atomically, so two ticks that
// both saw a name due refresh it once. After a failure it waits
// Backoff.Wait (a minute, doubling up to half an hour, or a 429's
// Retry-After when longer); when the repeated grant needs MFA the outcome
// carries the MFA session and auto-refresh stops until a token is held
// again. Refresh is the same on demand (the r key). Both spend a stored
// refresh token under the profile's lock, re-reading it first, so two
// tokenbench processes never spend the same one.
package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Service holds the session's tokens and saves profiles. Create it with
// New.
type Service struct {
	// Store and Secrets keep profiles and their secrets; both nil where
	// nothing is saved (the demo). Then tokens are held in memory only.
	Store   *profiles.Store
	Secrets *profiles.Secrets
	// NewRunner builds a flow runner for a base URL (for refreshes).
	NewRunner func(baseURL string) (*flows.Runner, error)
	// Now is the clock of the refresh schedule.
	Now func() time.Time
	// Backoff spaces auto-refresh attempts after failures.
	Backoff Backoff

	// file is Store, as the profile saving uses it; tests make it fail.
	file profileFile

	mu   sync.Mutex
	held map[string]*entry
	// keptIn are the redactors told of the tokens held (KeepHeldIn).
	keptIn map[*record.Redactor]bool
}

// profileFile is the part of *profiles.Store that saving writes through.
type profileFile interface {
	Load() ([]profiles.Profile, error)
	Add(p profiles.Profile) error
	Put(name string, p profiles.Profile) error
	Remove(name string) error
}

// New returns a service over store and secrets (both may be nil: nothing is
// saved) that refreshes with runners from newRunner.
func New(store *profiles.Store, secrets *profiles.Secrets, newRunner func(baseURL string) (*flows.Runner, error)) *Service {
	s := &Service{Store: store, Secrets: secrets, NewRunner: newRunner, Now: time.Now, Backoff: DefaultBackoff}
	if store != nil {
		s.file = store
	}
	return s
}

// Errors a caller branches on.
var (
	// ErrNotHeld is a refresh of a profile that holds no token.
	ErrNotHeld = errors.New("no token is held for this profile")
	// ErrBusy is a refresh while another of the same profile runs.
	ErrBusy = errors.New("a refresh of this profile is already running")
	// ErrNotDue is an AutoRefresh that found nothing to do (not due any
	// more, or auto-refresh is off): not a failure.
	ErrNotDue = errors.New("no auto-refresh is due")
	// ErrNoStore is a profile change where nothing is saved (the demo).
	ErrNoStore = errors.New("profiles are not saved here")
)

// Values are secrets typed or read for a profile being saved, by kind. An
// empty value means "not given" (keep what is stored).
type Values map[profiles.Kind]string

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) files() (profileFile, error) {
	if s.file == nil || s.Secrets == nil {
		return nil, ErrNoStore
	}
	return s.file, nil
}

// KeepError says a new token was obtained but what had to be stored with it
// (a rotated refresh token) was not. The token is good and is held; the
// stored refresh token may now be spent.
type KeepError struct {
	Profile string
	Err     error
}

func (e *KeepError) Error() string {
	return fmt.Sprintf("profile %s: keeping the new refresh token: %v", e.Profile, e.Err)
}

func (e *KeepError) Unwrap() error { return e.Err }

// RefreshTokenLostError says the server refused (invalid_grant) the
// refresh token a profile stores: it was spent or revoked without
// tokenbench seeing the token that replaced it (a crash between a rotating
// server's answer and the disk, another tool spending the same token, a
// revoke). Only a new login restores the profile; Error says which.
type RefreshTokenLostError struct {
	Profile  string
	Username string // the profile's, "" when it names none
	Err      error
}

func (e *RefreshTokenLostError) Error() string {
	user := e.Username
	if user == "" {
		user = "USER"
	}
	return fmt.Sprintf("profile %s: the server refused the stored refresh token (invalid_grant): it was spent or revoked, and tokenbench never saw it used (a crash mid-refresh or another tool with the token can lose a rotated one). Log in again to store a new one: tokenbench token -p %s --grant password --username %s",
		e.Profile, e.Profile, textsafe.Sanitize(user))
}

func (e *RefreshTokenLostError) Unwrap() error { return e.Err }

// lostRefreshToken turns the server's invalid_grant to a refresh token
// that p stores into a *RefreshTokenLostError; other errors pass.
func lostRefreshToken(p profiles.Profile, err error) error {
	var apiErr *client.APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.Code != "invalid_grant" {
		return err
	}
	return &RefreshTokenLostError{Profile: p.Name, Username: p.Username, Err: err}
}

// CleanupError says a change was saved but the secrets the old name (or
// old source) kept could not all be deleted.
type CleanupError struct {
	Done string // what was done, e.g. "profile a renamed to b"
	Err  error
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("%s, but secrets it left behind could not all be deleted: %v", e.Done, e.Err)
}

func (e *CleanupError) Unwrap() error { return e.Err }

func findProfile(ps []profiles.Profile, name string) (profiles.Profile, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return profiles.Profile{}, false
}

// Profiles returns the saved profiles, sorted by name.
func (s *Service) Profiles() ([]profiles.Profile, error) {
	f, err := s.files()
	if err != nil {
		return nil, err
	}
	return f.Load()
}

// Profile returns the saved profile called name.
func (s *Service) Profile(name string) (profiles.Profile, error) {
	f, err := s.files()
	if err != nil {
		return profiles.Profile{}, err
	}
	ps, err := f.Load()
	if err != nil {
		return profiles.Profile{}, err
	}
	p, ok := findProfile(ps, name)
	if !ok {
		return p, fmt.Errorf("%w: %q", profiles.ErrNotFound, textsafe.Sanitize(name))
	}
	return p, nil
}

// ctxErr is a cancelled context, checked between steps that block.
func ctxErr(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}
