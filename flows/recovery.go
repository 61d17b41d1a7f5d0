package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// RecoveryRequest is an MFA recovery (§4) for a user who lost the device of
// their second factor: two binding codes over two channels.
type RecoveryRequest struct {
	Account  string
	Audience string // default: DefaultAudience(Account)
	Username string
	// Channel is where the first code goes (default sms); the second goes
	// to the other channel.
	Channel client.Channel

	// The recovery call needs a Bearer with admin:accounts, write:accounts
	// or write:accounts:/auth/mfa: given, or obtained with client
	// credentials first.
	ClientID     string
	ClientSecret string
	Bearer       string

	Extra map[string]string
}

// Normalized fills the defaults.
func (r RecoveryRequest) Normalized() RecoveryRequest {
	r.Account = strings.TrimSpace(r.Account)
	r.Username = strings.TrimSpace(r.Username)
	if r.Audience == "" && r.Account != "" {
		r.Audience = client.DefaultAudience(r.Account)
	}
	if r.Channel == "" {
		r.Channel = client.ChannelSMS
	}
	return r
}

// Check lists what is missing or wrong before anything is sent, named as
// Request.Check names fields.
func (r RecoveryRequest) Check() []Problem {
	var out []Problem
	add := func(field, msg string) { out = append(out, Problem{field, msg}) }
	switch {
	case r.Account == "":
		add("account", "account id is required")
	case !client.IsAccountID(r.Account):
		add("account", fmt.Sprintf("account id %q is not P or T followed by 8 digits", textsafe.Sanitize(r.Account)))
	}
	if r.Username == "" {
		add("username", "the username (the user's e-mail) is required")
	}
	out = append(out, bearerProblems(r.Bearer, r.ClientID, r.ClientSecret)...)
	if _, err := client.ParseChannel(string(r.Channel)); err != nil {
		add("mfa-channel", err.Error())
	}
	return out
}

// Validate says what is missing before anything is sent.
func (r RecoveryRequest) Validate() error { return problemsError(r.Check()) }

// bearerProblems is what a call that needs a Bearer lacks: the Bearer, or
// the client secret to obtain one when the client id is given.
func bearerProblems(bearer, clientID, clientSecret string) []Problem {
	switch {
	case bearer != "" || (clientID != "" && clientSecret != ""):
		return nil
	case clientID != "":
		return []Problem{{"client-secret", "client secret is required"}}
	}
	return []Problem{{"bearer", "a Bearer token, or a client id and secret to obtain one, is required"}}
}

// problemsError is problems as one error, marked as invalid input; nil
// when there are none.
func problemsError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	return fmt.Errorf("%w: %s", client.ErrInvalidInput, strings.Join(msgs, "; "))
}

// request is the recovery as a flow request, for results and for the
// mfa-oob answers.
func (r RecoveryRequest) request() Request {
	return Request{
		Account: r.Account, Audience: r.Audience, Grant: client.GrantMFAOOB,
		ClientID: r.ClientID, ClientSecret: r.ClientSecret, Bearer: r.Bearer, Username: r.Username, Extra: r.Extra,
	}
}

// RecoverySteps is how many codes a recovery takes.
const RecoverySteps = 2

// RecoverySession is an MFA recovery being worked through, step by step:
// step 1 answers the code the recovery call sent; its success is an
// mfa_required whose challenge, on the other channel, is step 2. Each step
// is an MFASession (secrets: mfa_token, oob_code); show them only masked.
type RecoverySession struct {
	Request       RecoveryRequest
	Auth          client.Auth
	BearerChained bool
	// Step is 1 or 2.
	Step int
	// First is step 1: the recovery's mfa_token and oob_code.
	First *MFASession
	// Second is step 2, once step 1 is done. Until its challenge is out
	// (Second.Challenged), Resend sends it.
	Second *MFASession
}

// Current is the step being answered.
func (s *RecoverySession) Current() *MFASession {
	if s.Step == 2 {
		return s.Second
	}
	return s.First
}

// Channel is where the current step's code goes.
func (s *RecoverySession) Channel() client.Channel {
	if s.Step == 2 {
		return s.First.Channel.Other()
	}
	return s.First.Channel
}

// Status is the line a guided flow shows: "step 1 of 2: code sent by
// e-mail".
func (s *RecoverySession) Status() string {
	cur := s.Current()
	if !cur.Challenged() {
		return fmt.Sprintf("step %d of %d: no code out yet (send one by %s)", s.Step, RecoverySteps, ChannelName(s.Channel()))
	}
	return fmt.Sprintf("step %d of %d: code sent by %s", s.Step, RecoverySteps, ChannelName(cur.Channel))
}

// ChannelName names a channel for a person: "SMS", "e-mail".
func ChannelName(c client.Channel) string {
	if c == client.ChannelEmail {
		return "e-mail"
	}
	return "SMS"
}

// StartRecovery runs the recovery call: it fetches the Bearer from client
// credentials when needed, and the server sends the first code on
// req.Channel. The session is at step 1.
func (rn *Runner) StartRecovery(ctx context.Context, req RecoveryRequest) (*RecoverySession, error) {
	req = req.Normalized()
	rd := rn.Client.Redactor()
	rd.AddBasic(req.ClientID, req.ClientSecret)
	rd.AddToken(req.Bearer)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s := &RecoverySession{Request: req, Step: 1}
	if req.Bearer != "" {
		s.Auth = client.BearerAuth{Token: req.Bearer}
	} else {
		res, err := rn.Client.Token(ctx, req.Account, client.BasicAuth{ClientID: req.ClientID, ClientSecret: req.ClientSecret},
			client.TokenRequest{Grant: client.GrantClientCredentials, Audience: req.Audience})
		if err != nil {
			return nil, fmt.Errorf("client_credentials for the Bearer: %w", err)
		}
		s.Auth, s.BearerChained = client.BearerAuth{Token: res.AccessToken}, true
	}
	if err := rn.recoveryCall(ctx, s, req.Channel); err != nil {
		return nil, err
	}
	return s, nil
}

func (rn *Runner) recoveryCall(ctx context.Context, s *RecoverySession, channel client.Channel) error {
	req := s.Request
	res, err := rn.Client.Recovery(ctx, req.Account, s.Auth, client.RecoveryRequest{Username: req.Username, Audience: req.Audience, Channel: channel})
	if err != nil {
		if n := NotACode(StepRecovery, err); n != nil {
			err = n
		}
		return fmt.Errorf("mfa recovery: %w", err)
	}
	s.Step, s.Second = 1, nil
	s.First = &MFASession{
		Request: req.request(), Auth: s.Auth, BearerChained: s.BearerChained,
		MFAToken: res.MFAToken, Channel: channel, OOBCode: res.OOBCode, BindingMethod: res.BindingMethod,
		Challenges: 1, MaxAttempts: DefaultMaxAttempts,
	}
	return nil
}

// Resend asks for a new code for the current step: at step 1 a new
// recovery call on channel (which starts the recovery over), at step 2 a
// new challenge on the channel step 1 did not use.
func (rn *Runner) Resend(ctx context.Context, s *RecoverySession, channel client.Channel) error {
	if s.Step == 2 {
		if channel != "" && channel == s.First.Channel {
			return fmt.Errorf("%w: the second code of a recovery must go to the other channel than the first (%s)", client.ErrInvalidInput, ChannelName(s.First.Channel.Other()))
		}
		if err := rn.Challenge(ctx, s.Second, s.First.Channel.Other()); err != nil {
			return fmt.Errorf("mfa challenge (step 2 of 2): %w", err)
		}
		return nil
	}
	if channel == "" {
		channel = s.First.Channel
	}
	return rn.recoveryCall(ctx, s, channel)
}

// Answer sends the code of the current step. At step 1, a right code moves
// the session to step 2 and sends its challenge: it returns (nil, nil),
// and Status says where the second code went (if that challenge failed, the
// error says so and Resend sends it again). At step 2, a right code returns
// the token. A wrong code matches ErrWrongCode and the step stays usable;
// an expired one matches ErrChallengeExpired.
func (rn *Runner) Answer(ctx context.Context, s *RecoverySession, bindingCode string) (*Result, error) {
	if s.Step == 2 {
		res, err := rn.Verify(ctx, s.Second, bindingCode)
		if res != nil {
			res.ViaRecovery = true
		}
		return res, err
	}
	first := s.First
	if !first.Challenged() {
		return nil, ErrNoChallenge
	}
	if first.AttemptsLeft() <= 0 {
		return nil, ErrTooManyAttempts
	}
	code := strings.TrimSpace(bindingCode)
	if code == "" {
		return nil, fmt.Errorf("%w: the binding code is empty", client.ErrInvalidInput)
	}
	res, err := rn.Client.Token(ctx, s.Request.Account, s.Auth, client.TokenRequest{
		Grant: client.GrantMFAOOB, MFAToken: first.MFAToken, OOBCode: first.OOBCode, BindingCode: code, Extra: s.Request.Extra,
	})
	var apiErr *client.APIError
	switch {
	case err == nil:
		// A server that ends the recovery after one code: take the token.
		r := newResult(first.Request, res, s.Auth, s.BearerChained, true)
		r.ViaRecovery = true
		return r, nil
	case errors.As(err, &apiErr) && apiErr.MFARequired():
		if apiErr.MFAToken == "" {
			return nil, fmt.Errorf("step 1 of 2 was accepted but the server sent no mfa_token for step 2: %w", err)
		}
	default:
		return nil, first.refused(err)
	}
	// Success of step 1 is this 403 mfa_required (§4).
	s.Step = 2
	s.Second = &MFASession{Request: first.Request, Auth: s.Auth, BearerChained: s.BearerChained, MFAToken: apiErr.MFAToken, MaxAttempts: DefaultMaxAttempts}
	if err := rn.Challenge(ctx, s.Second, first.Channel.Other()); err != nil {
		return nil, fmt.Errorf("step 1 of 2 done; sending the second code by %s failed: %w", ChannelName(first.Channel.Other()), err)
	}
	return nil, nil
}

// NeedRecoveryCodeError ends Recover when no code was available; the
// session says which step and what is needed to continue. Its Error()
// holds no secret.
type NeedRecoveryCodeError struct {
	Session *RecoverySession
}

func (e *NeedRecoveryCodeError) Error() string {
	return fmt.Sprintf("MFA recovery step %d of %d needs the code sent by %s", e.Session.Step, RecoverySteps, ChannelName(e.Session.Channel()))
}

// Recover runs a whole recovery for a command line: the recovery call, then
// each step's code from prompter until accepted or the attempts are used
// up. notify, when not nil, is told each time a step's code went out.
func (rn *Runner) Recover(ctx context.Context, req RecoveryRequest, prompter CodePrompter, notify func(*RecoverySession)) (*Result, error) {
	s, err := rn.StartRecovery(ctx, req)
	if err != nil {
		return nil, err
	}
	if notify != nil {
		notify(s)
	}
	var last error
	for {
		cur := s.Current()
		if cur.AttemptsLeft() <= 0 {
			return nil, fmt.Errorf("step %d of %d: %w: %w", s.Step, RecoverySteps, ErrTooManyAttempts, last)
		}
		code, err := prompter.BindingCode(ctx, Prompt{Channel: cur.Channel, Attempt: cur.Attempts + 1, AttemptsLeft: cur.AttemptsLeft(), LastError: last, Step: s.Step, Steps: RecoverySteps})
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, &NeedRecoveryCodeError{Session: s}
			}
			return nil, err
		}
		step := s.Step
		res, err := rn.Answer(ctx, s, code)
		switch {
		case err == nil && res != nil:
			return res, nil
		case err == nil:
			last = nil
			if notify != nil {
				notify(s)
			}
		case errors.Is(err, ErrWrongCode), errors.Is(err, client.ErrInvalidInput), Unchecked(err):
			last = err
		default:
			return nil, fmt.Errorf("MFA recovery step %d of %d: %w", step, RecoverySteps, err)
		}
	}
}
