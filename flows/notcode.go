package flows

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tokenbench/tokenbench/client"
)

// The scopes a Bearer needs for each MFA step (contract §1, §2, §4).
var (
	// MFAScopes let a Bearer ask for an MFA challenge or start a recovery.
	MFAScopes = []string{"admin:accounts", "write:accounts", "write:accounts:/auth/mfa"}
	// TokenEndpointScopes let a Bearer use the token endpoint, where a
	// binding code is checked.
	TokenEndpointScopes = []string{"admin:accounts", "write:accounts", "write:accounts:/auth/users", "write:accounts:/auth/users/no-mfa"}
)

// MFAStep is the call of an MFA flow an answer came to.
type MFAStep string

const (
	StepChallenge MFAStep = "the MFA challenge"
	StepRecovery  MFAStep = "the MFA recovery"
	// StepCode is the binding code's check (the mfa-oob grant).
	StepCode MFAStep = "the binding code check"
)

// Scopes are the scopes a Bearer needs for the step, one of them enough.
func (s MFAStep) Scopes() []string {
	if s == StepCode {
		return TokenEndpointScopes
	}
	return MFAScopes
}

// NotCodeKind says what an answer that is not about the code was.
type NotCodeKind string

const (
	// NotCodeScope is a 403 about the Bearer's scopes or permissions.
	NotCodeScope NotCodeKind = "scope"
	// NotCodeValidation is a 400 whose details say the request was invalid.
	NotCodeValidation NotCodeKind = "validation"
	// NotCodeRateLimited is a 429.
	NotCodeRateLimited NotCodeKind = "rate limited"
	// NotCodeServer is a 5xx.
	NotCodeServer NotCodeKind = "server error"
)

// NotACodeError is an MFA answer that says nothing of the user's code
// (§3): a 403 about the Bearer's scope, a 400 with validation details, a
// 429, a 5xx. It cost no attempt. It carries what a screen needs to say
// what it was: the step, the kind, the scopes the step needs, and the
// server's error (an *client.APIError, with its details) underneath.
type NotACodeError struct {
	Step MFAStep
	Kind NotCodeKind
	// Scopes are the scopes the step needs, for NotCodeScope.
	Scopes []string
	Err    error
}

func (e *NotACodeError) Error() string {
	lead := ""
	if e.Step == StepCode {
		lead = "the binding code was not checked (no attempt used): "
	}
	switch e.Kind {
	case NotCodeScope:
		return fmt.Sprintf("%sthe Bearer token lacks the scope for %s, which needs %s (the API client's grant, not the user): %v",
			lead, stepName(e.Step), OrList(e.Scopes), e.Err)
	case NotCodeValidation:
		return fmt.Sprintf("%sthe server refused the request as invalid: %v", lead, e.Err)
	case NotCodeRateLimited:
		return fmt.Sprintf("%srate limited: %v", lead, e.Err)
	}
	return fmt.Sprintf("%sthe server failed: %v", lead, e.Err)
}

func (e *NotACodeError) Unwrap() error { return e.Err }

func stepName(s MFAStep) string {
	if s == StepCode {
		return "the token endpoint"
	}
	return string(s)
}

// OrList is "a, b or c".
func OrList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// NotACode classifies an error answer to an MFA step: a *NotACodeError
// when it is one of the answers that are not about the code, else nil (a
// wrong code, an expired challenge, anything else, decided by the caller).
// The rule is the flows package's: the CLI and the TUI both ask it.
func NotACode(step MFAStep, err error) *NotACodeError {
	var already *NotACodeError
	if errors.As(err, &already) {
		return already
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return nil
	}
	n := &NotACodeError{Step: step, Err: err}
	switch {
	case apiErr.Status == 429:
		n.Kind = NotCodeRateLimited
	case apiErr.Status >= 500:
		n.Kind = NotCodeServer
	case apiErr.Status == 403 && !apiErr.MFARequired() && aboutScope(apiErr):
		n.Kind, n.Scopes = NotCodeScope, slices.Clone(step.Scopes())
	case apiErr.Status == 400 && len(apiErr.Details) > 0:
		n.Kind = NotCodeValidation
	default:
		return nil
	}
	return n
}

// aboutScope reports whether a 403 is about the Bearer's scopes or
// permissions (Dintero publishes no codes: the words decide too).
func aboutScope(e *client.APIError) bool {
	text := strings.ToLower(e.Code + " " + e.Message + " " + strings.Join(e.Details, " "))
	for _, w := range []string{"scope", "forbidden", "permission", "not allowed", "insufficient"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}
