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

// Revoke revokes the refresh token of the token held for name (§7) with
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

	var out Revoked
	err := s.exclusive(ctx, p, func() error {
		rt := s.latestRefreshToken(ctx, p)
		if rt == "" && res != nil {
			rt = res.RefreshToken
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
			return fmt.Errorf("removing the revoked refresh token from profile %s failed: %w", p.Name, err)
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
// revoked it itself, as the CLI does), from p's store and kept tokens:
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
