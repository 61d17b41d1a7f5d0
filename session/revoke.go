package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/profiles"
)

// Revoked says what a revoke did besides the server call.
type Revoked struct {
	// RefreshToken is the token revoked (for its fingerprint; never show
	// it whole).
	RefreshToken string
	// Revoked: the server took the revoke (the token is dead even when
	// removing it from the store then failed).
	Revoked bool
	// Removed: the profile's store held it and no longer does.
	Removed bool
	// ElsewhereFrom names where the profile reads its refresh token from
	// when that is not tokenbench's own store (env:…, cmd:…): remove it
	// there.
	ElsewhereFrom string
}

// Revoke revokes the refresh token of the token held for name (Dintero's only log out) with
// revoke (the caller's flows.Runner.Revoke with the client's credentials),
// under the profile's lock, and then removes it from the profile's store:
// the stored refresh token and the kept tokens, when they hold that one.
// The held token keeps its access token and loses its refresh token, so a
// refresh repeats the grant.
func (s *Service) Revoke(ctx context.Context, name string, revoke func(ctx context.Context, refreshToken string) error) (Revoked, error) {
	s.mu.Lock()
	e := s.held[name]
	if e == nil {
		s.mu.Unlock()
		return Revoked{}, fmt.Errorf("%w: %s", ErrNotHeld, name)
	}
	p, res := e.profile, e.res
	s.mu.Unlock()
	held := ""
	if res != nil {
		held = res.RefreshToken
	}
	return s.revoke(ctx, name, p, "", held, revoke)
}

// RevokeProfile revokes rt, profile p's refresh token as the caller read it
// (from its store, or from where the user gave it), with revoke, under p's
// lock, and then removes it from p's store where p still stores rt: a
// refresh token rotated by another run since is a different, valid one and
// stays. The CLI's revoke -p; Revoke is the same for a held token.
func (s *Service) RevokeProfile(ctx context.Context, p profiles.Profile, rt string, revoke func(ctx context.Context, refreshToken string) error) (Revoked, error) {
	return s.revoke(ctx, p.Name, p, rt, "", revoke)
}

// RemoveError is a revoke the server took whose refresh token could not be
// removed from the profile's store afterwards: the token is dead, the
// store still holds it.
type RemoveError struct {
	Profile string
	Err     error
}

func (e *RemoveError) Error() string {
	return fmt.Sprintf("removing the revoked refresh token from profile %s failed: %v", e.Profile, e.Err)
}

func (e *RemoveError) Unwrap() error { return e.Err }

// revoke is the one revoke: under p's lock, it revokes rt (when "", the
// latest p stores, else fallback) and removes it from p's store; the token
// held for name stops offering it.
func (s *Service) revoke(ctx context.Context, name string, p profiles.Profile, rt, fallback string, revoke func(ctx context.Context, refreshToken string) error) (Revoked, error) {
	var out Revoked
	err := s.exclusive(ctx, p, func() error {
		if rt == "" {
			rt = s.latestRefreshToken(ctx, p)
		}
		if rt == "" {
			rt = fallback
		}
		if rt == "" {
			return errors.New("no refresh token to revoke")
		}
		out.RefreshToken = rt
		if err := revoke(ctx, rt); err != nil {
			return err
		}
		out.Revoked = true
		removed, err := s.forgetRefresh(ctx, p, rt)
		out.Removed = removed
		if err != nil {
			return &RemoveError{Profile: p.Name, Err: err}
		}
		if src := profiles.SourceOf(p, profiles.RefreshToken); src != "" && !src.Stored() {
			out.ElsewhereFrom = string(src)
		}
		return nil
	})
	if out.Revoked {
		s.dropHeldRefresh(out.RefreshToken)
	}
	return out, err
}

// dropHeldRefresh makes every held token that carries rt, which the server
// now refuses, forget it: as its refresh token, and as the grant it came
// from (a token from a refresh holds the refresh token it was got with).
// A token from a refresh goes back to its login's grant, so a refresh
// repeats that login, as for a token that never had a refresh token (and
// asks first when that login went through MFA: see PlanRun).
func (s *Service) dropHeldRefresh(rt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cur := range s.held {
		res := cur.res
		if res == nil || rt == "" || res.RefreshToken != rt && res.Request.RefreshToken != rt {
			continue
		}
		cp := *res
		cp.RefreshToken = ""
		if cp.Request.Grant == client.GrantRefreshToken {
			if login := cur.login; login != nil && login.Request.Grant != client.GrantRefreshToken {
				cp.Request, cp.ViaMFA, cp.MFAChannel = login.Request, login.ViaMFA, login.MFAChannel
			}
		}
		cp.Request.RefreshToken = ""
		cur.res = &cp
	}
}

// ForgetRevoked removes rt, which the server has revoked (by a caller that
// revoked it outside the session; the CLI and the TUI use Revoke and
// RevokeProfile, which revoke and forget under one lock), from p's store
// and kept tokens:
// under p's lock, and only where it is still rt — a refresh token rotated
// in the meantime is a different, valid one and stays. It reports whether
// anything was removed.
func (s *Service) ForgetRevoked(ctx context.Context, p profiles.Profile, rt string) (bool, error) {
	var removed bool
	err := s.exclusive(ctx, p, func() error {
		var err error
		removed, err = s.forgetRefresh(ctx, p, rt)
		return err
	})
	s.dropHeldRefresh(rt)
	return removed, err
}

// forgetRefresh removes rt from what p stores: its refresh_token secret
// and its kept tokens. It reports whether anything was removed.
func (s *Service) forgetRefresh(ctx context.Context, p profiles.Profile, rt string) (bool, error) {
	if s.Secrets == nil {
		return false, nil
	}
	removed := false
	if profiles.SourceOf(p, profiles.RefreshToken).Stored() {
		if v, err := s.Secrets.Get(ctx, p, profiles.RefreshToken); err == nil && v == rt {
			if err := s.Secrets.Delete(p, profiles.RefreshToken); err != nil {
				return removed, err
			}
			removed = true
		}
	}
	if kept, err := s.Secrets.KeptTokens(ctx, p); err == nil && kept.RefreshToken == rt {
		kept.RefreshToken = ""
		if err := s.Secrets.KeepTokens(p, kept); err != nil {
			return removed, err
		}
		removed = true
	}
	return removed, nil
}
