package cli

import (
	"errors"
	"strings"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

// Exit codes, a contract with scripts.
const (
	ExitOK        = 0
	ExitOther     = 1
	ExitUsage     = 2 // usage or invalid input
	ExitNeedCode  = 3 // a code is needed: MFA binding code or passwordless verification code
	ExitRejected  = 4 // the server rejected the request (4xx)
	ExitTransport = 5 // timeout, refused, 5xx, unreadable body
	// ExitCannotRun and ExitNotFound are exec's, as a shell's: the command
	// cannot be run, or is not there.
	ExitCannotRun = 126
	ExitNotFound  = 127
	// ExitInterrupted is an interrupt (ctrl+c), as shells report SIGINT.
	ExitInterrupted = 130
)

// usageError is a mistake in how the command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitError carries an exit code chosen by a command, with a message that
// may be empty when the command already said everything.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// redactedError shows an error with every secret of the flow taken out,
// in any encoding; errors.As still finds what it wraps.
type redactedError struct {
	err error
	rd  *record.Redactor
}

func (e *redactedError) Error() string { return e.rd.Redact(e.err.Error()) }
func (e *redactedError) Unwrap() error { return e.err }

func redacted(err error, rd *record.Redactor) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, rd: rd}
}

// ExitCode maps an error to the documented exit codes.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var (
		ee       *exitError
		ue       *usageError
		apiErr   *client.APIError
		tErr     *client.TransportError
		pErr     *client.ProtocolError
		needCode *flows.NeedCodeError
	)
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue), errors.Is(err, client.ErrInvalidInput), errors.Is(err, tokeninfo.ErrMalformed):
		return ExitUsage
	case errors.As(err, &needCode):
		return ExitNeedCode
	case errors.As(err, &tErr), errors.As(err, &pErr):
		return ExitTransport
	case errors.As(err, &apiErr):
		if apiErr.Status >= 400 && apiErr.Status < 500 {
			return ExitRejected
		}
		return ExitTransport
	case errors.Is(err, flows.ErrChallengeExpired), errors.Is(err, flows.ErrMFAExpired), errors.Is(err, flows.ErrTooManyAttempts):
		return ExitRejected
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown flag"):
		return ExitUsage
	}
	return ExitOther
}
