package session

import (
	"errors"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// RunAction is what running a profile again does with the token held for
// it. A new login (the grant run again) can text a customer a code: it
// happens only when nothing held can serve, or when the user asked for it.
type RunAction int

const (
	// RunGrant runs the profile's grant: no token is held, or the held
	// one expired and a new login sends nobody anything (no MFA).
	RunGrant RunAction = iota
	// ShowHeld shows the held token: it is still valid.
	ShowHeld
	// RefreshHeld refreshes the held token with its refresh token: it
	// expired, and a refresh is no new login.
	RefreshHeld
	// AskLogin asks before a new login: the held token expired, nothing
	// can refresh it, and its login needed MFA, so a new one sends the
	// user a code. RunPlan.Why says so.
	AskLogin
)

// RunPlan is what running a profile again does (RunAction), with the
// token held and, for AskLogin, why a new login is needed and what it
// sends, in one line for a screen or a prompt.
type RunPlan struct {
	Action RunAction
	Held   *flows.Result
	Why    string
}

// PlanRun says what running the profile called name (p, as saved; a demo
// connection's profile has just a Name) does with the token held for it.
// It reads nothing from the keyring: a refresh token p stores counts as
// held, and Refresh reads it.
func (s *Service) PlanRun(p profiles.Profile) RunPlan {
	res, ok := s.Held(p.Name)
	switch {
	case !ok || res == nil:
		return RunPlan{Action: RunGrant}
	case !res.Expiry.Expired(s.now()):
		return RunPlan{Action: ShowHeld, Held: res}
	case res.RefreshToken != "" || profiles.SourceOf(p, profiles.RefreshToken).Stored():
		return RunPlan{Action: RefreshHeld, Held: res}
	case res.ViaMFA:
		return RunPlan{Action: AskLogin, Held: res, Why: "the token expired and no refresh token is held: " + NewLoginSends(res, p.Channel())}
	}
	return RunPlan{Action: RunGrant, Held: res}
}

// RefreshRefused is why a new login is needed after refreshing held failed
// with err, and what the login (its code by via) sends: shown, and
// confirmed, before it runs.
func RefreshRefused(held *flows.Result, via client.Channel, err error) string {
	what := "failed"
	if errors.As(err, new(*client.APIError)) {
		what = "was refused" // the server answered no, not the network
	}
	return "the refresh " + what + " (" + textsafe.Sanitize(err.Error()) + "): " + NewLoginSends(held, via)
}

// NewLoginSends says what a new login for held's profile sends: a code to
// its user when its login went through MFA, by via, the channel the new
// login asks for (the profile's), not the one that got held: a recovery
// sends its last code by the other channel.
func NewLoginSends(held *flows.Result, via client.Channel) string {
	if held == nil || !held.ViaMFA {
		return "a new login runs the grant again"
	}
	who := held.Request.Username
	if who == "" {
		who = "the user"
	}
	return "a new login sends " + textsafe.Sanitize(who) + " a new code by " + flows.ChannelName(via)
}
