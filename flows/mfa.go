package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tokenbench/tokenbench/client"
)

// DefaultMaxAttempts is how many binding codes are tried for one challenge
// before asking for a new one.
const DefaultMaxAttempts = 3

var (
	// ErrWrongCode is a binding code the server did not accept; the same
	// challenge may be tried again.
	ErrWrongCode = errors.New("wrong binding code")
	// ErrChallengeExpired means the oob_code is no longer valid: a new
	// challenge is needed.
	ErrChallengeExpired = errors.New("the MFA challenge has expired")
	// ErrMFAExpired means the mfa_token itself is no longer valid: the grant
	// has to start over.
	ErrMFAExpired = errors.New("the MFA session has expired")
	// ErrNoChallenge is Verify before Challenge.
	ErrNoChallenge = errors.New("no MFA challenge has been sent")
	// ErrTooManyAttempts is the session's own limit of attempts reached.
	ErrTooManyAttempts = errors.New("too many wrong binding codes for this challenge")
)

// MFASession is an mfa_required answer being worked through. Its fields are
// secrets of the flow (mfa_token, oob_code); show them only masked.
type MFASession struct {
	Request       Request
	Auth          client.Auth
	BearerChained bool
	MFAToken      string

	// Channel and OOBCode are set by Challenge.
	Channel       client.Channel
	OOBCode       string
	BindingMethod string
	// Challenges counts the challenges sent in this session.
	Challenges int
	// Attempts counts wrong codes for the current challenge.
	Attempts    int
	MaxAttempts int
}

// Challenged reports whether a challenge is out and may be answered.
func (s *MFASession) Challenged() bool { return s.OOBCode != "" }

// AttemptsLeft is how many more codes the current challenge takes.
func (s *MFASession) AttemptsLeft() int { return s.MaxAttempts - s.Attempts }

// Challenge asks for a binding code over channel. It replaces any earlier
// challenge: a new code, or the same flow on the other channel.
func (rn *Runner) Challenge(ctx context.Context, s *MFASession, channel client.Channel) error {
	res, err := rn.Client.Challenge(ctx, s.Request.Account, s.Auth, s.MFAToken, channel)
	if err != nil {
		if n := NotACode(StepChallenge, err); n != nil {
			return n
		}
		if isExpired(err) {
			return fmt.Errorf("%w: %w", ErrMFAExpired, err)
		}
		return err
	}
	s.Channel = channel
	s.OOBCode = res.OOBCode
	s.BindingMethod = res.BindingMethod
	s.Challenges++
	s.Attempts = 0
	return nil
}

// Verify sends the binding code with grant_type=mfa-oob. A wrong code
// returns an error matching ErrWrongCode and the session stays usable; an
// expired challenge returns ErrChallengeExpired and needs a new Challenge.
func (rn *Runner) Verify(ctx context.Context, s *MFASession, bindingCode string) (*Result, error) {
	if !s.Challenged() {
		return nil, ErrNoChallenge
	}
	if s.AttemptsLeft() <= 0 {
		return nil, ErrTooManyAttempts
	}
	code := strings.TrimSpace(bindingCode)
	if code == "" {
		return nil, fmt.Errorf("%w: the binding code is empty", client.ErrInvalidInput)
	}
	res, err := rn.Client.Token(ctx, s.Request.Account, s.Auth, client.TokenRequest{
		Grant:       client.GrantMFAOOB,
		MFAToken:    s.MFAToken,
		OOBCode:     s.OOBCode,
		BindingCode: code,
		Extra:       s.Request.Extra,
	})
	if err != nil {
		return nil, s.refused(err)
	}
	r := newResult(s.Request, res, s.Auth, s.BearerChained, true)
	r.MFAChannel = s.Channel
	return r, nil
}

// refused classifies an error answer to a binding code: a wrong code
// (counted; the challenge stays usable), an expired challenge, or
// something else. An answer about something else than the code (a scope
// 403, a validation 400, a 429, a 5xx) is a *NotACodeError and costs no
// attempt: the code was not judged.
func (s *MFASession) refused(err error) error {
	var apiErr *client.APIError
	if n := NotACode(StepCode, err); n != nil {
		return n
	}
	switch {
	case !errors.As(err, &apiErr):
		return err
	case isExpired(err):
		s.OOBCode = ""
		return fmt.Errorf("%w: %w", ErrChallengeExpired, err)
	case apiErr.Status >= 400 && apiErr.Status < 500 && apiErr.Status != 401:
		s.Attempts++
		return fmt.Errorf("%w: %w", ErrWrongCode, err)
	}
	return err
}

// Unchecked reports whether err is an answer to a binding code that did
// not check it for a reason that may pass (a 429, a 5xx): the code may be
// sent again, and it costs no attempt. A scope or validation refusal would
// only come back the same.
func Unchecked(err error) bool {
	var n *NotACodeError
	return errors.As(err, &n) && n.Step == StepCode && (n.Kind == NotCodeRateLimited || n.Kind == NotCodeServer)
}

// isExpired recognises "this challenge or mfa_token is no longer valid",
// which servers say in code or in words.
func isExpired(err error) bool {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	text := strings.ToLower(apiErr.Code + " " + apiErr.Message)
	return strings.Contains(text, "expired")
}

// Prompt is what a CodePrompter is told when asked for a binding code.
type Prompt struct {
	Channel      client.Channel
	Attempt      int // 1 for the first code of a challenge
	AttemptsLeft int
	// LastError is the reason the previous code was refused, if any.
	LastError error
	// Step and Steps place the code in a multi-step flow (an MFA recovery
	// is step 1 or 2 of 2); both are 0 for an ordinary MFA challenge.
	Step, Steps int
}

// CodePrompter asks a person for the binding code they received. Returning
// io.EOF (or an error wrapping it) means no code is available.
type CodePrompter interface {
	BindingCode(ctx context.Context, p Prompt) (string, error)
}

// NeedCodeError ends Run when no binding code was available. It carries what
// is needed to continue with an explicit mfa-oob grant; its Error() text
// holds neither secret.
type NeedCodeError struct {
	Session *MFASession
}

func (e *NeedCodeError) Error() string {
	return fmt.Sprintf("MFA needs the binding code sent by %s", e.Session.Channel)
}

// Run runs the grant and, when MFA is required, sends a challenge on channel
// and asks prompter for codes until one is accepted, the attempts are used
// up, or the challenge expires. notify, when not nil, is told when the
// challenge went out.
func (rn *Runner) Run(ctx context.Context, req Request, channel client.Channel, prompter CodePrompter, notify func(*MFASession)) (*Result, error) {
	res, s, err := rn.Start(ctx, req)
	if err != nil || s == nil {
		return res, err
	}
	if err := rn.Challenge(ctx, s, channel); err != nil {
		return nil, fmt.Errorf("mfa challenge: %w", err)
	}
	if notify != nil {
		notify(s)
	}
	var last error
	for s.AttemptsLeft() > 0 {
		code, err := prompter.BindingCode(ctx, Prompt{Channel: s.Channel, Attempt: s.Attempts + 1, AttemptsLeft: s.AttemptsLeft(), LastError: last})
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, &NeedCodeError{Session: s}
			}
			return nil, err
		}
		res, err := rn.Verify(ctx, s, code)
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, ErrWrongCode), errors.Is(err, client.ErrInvalidInput), Unchecked(err):
			last = err
			continue
		}
		return nil, err
	}
	return nil, fmt.Errorf("%w: %w", ErrTooManyAttempts, last)
}
