package session

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
	"github.com/tokenbench/tokenbench/profiles"
)

// PlanRun: running a profile again never logs in by surprise. A valid
// token is shown, an expired one with a refresh token is refreshed, and a
// new login that would text the user a code is asked for first.
func TestPlanRun(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	svc := New(nil, nil, nil)
	svc.Now = func() time.Time { return now }
	held := func(left time.Duration, rt string, viaMFA bool) *flows.Result {
		return &flows.Result{
			Request:      flows.Request{Grant: client.GrantPassword, Username: "mfa@example.com"},
			Expiry:       tokeninfo.Expiry{At: now.Add(left), Source: "exp"},
			RefreshToken: rt, ViaMFA: viaMFA, MFAChannel: client.ChannelSMS,
		}
	}
	stored := profiles.Profile{Name: "stored", Secrets: map[profiles.Kind]profiles.Source{profiles.RefreshToken: profiles.SourceKeyring}}
	cases := []struct {
		name string
		p    profiles.Profile
		res  *flows.Result
		want RunAction
		why  string
	}{
		{"nothing held", profiles.Profile{Name: "none"}, nil, RunGrant, ""},
		{"valid", profiles.Profile{Name: "valid"}, held(time.Minute, "", true), ShowHeld, ""},
		{"expired with a refresh token", profiles.Profile{Name: "rt"}, held(-time.Minute, "rt_x", true), RefreshHeld, ""},
		{"expired, refresh token stored", stored, held(-time.Minute, "", true), RefreshHeld, ""},
		{"expired MFA login, no refresh token", profiles.Profile{Name: "mfa"}, held(-time.Minute, "", true), AskLogin, "a new login sends mfa@example.com a new code by SMS"},
		{"expired without MFA, no refresh token", profiles.Profile{Name: "cc"}, held(-time.Minute, "", false), RunGrant, ""},
	}
	for _, tc := range cases {
		if tc.res != nil {
			svc.Hold(tc.p, tc.res)
		}
		plan := svc.PlanRun(tc.p)
		if plan.Action != tc.want || !strings.Contains(plan.Why, tc.why) {
			t.Errorf("%s: %v %q, want %v %q", tc.name, plan.Action, plan.Why, tc.want, tc.why)
		}
	}
	why := RefreshRefused(held(-time.Minute, "rt", true), client.ChannelSMS, &client.APIError{Status: 400, Code: "invalid_grant", Message: "spent\x1b[2J"})
	if want := "the refresh was refused (400 invalid_grant"; !strings.HasPrefix(why, want) || strings.Contains(why, "\x1b") {
		t.Errorf("RefreshRefused: %q", why)
	}
	why = RefreshRefused(held(-time.Minute, "rt", true), client.ChannelSMS, errors.New("dial tcp: connection refused"))
	if want := "the refresh failed (dial tcp"; !strings.HasPrefix(why, want) {
		t.Errorf("RefreshRefused, no answer: %q", why)
	}
}

// The new-login prompt names the channel the new login asks for (the
// profile's), not the one the held token's last code went by.
func TestNewLoginNamesTheProfilesChannel(t *testing.T) {
	res := &flows.Result{Request: flows.Request{Username: "mfa@example.com"}, ViaMFA: true, MFAChannel: client.ChannelEmail} // a recovery's second code
	if why := NewLoginSends(res, client.ChannelSMS); !strings.HasSuffix(why, "a new code by SMS") {
		t.Fatalf("NewLoginSends: %q", why)
	}
}
