package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// The passwordless login (contract §1a) as steps an interface drives:
// StartPasswordless sends a code (or has one issued for a user id), Resend
// sends the same code over the other connection, SendNew a new one, and
// Verify exchanges a code for the token.

// Errors of a passwordless login, to tell apart with errors.Is.
var (
	// ErrWrongVerificationCode: the code was not accepted; another may be
	// tried while attempts remain.
	ErrWrongVerificationCode = errors.New("wrong verification code")
	// ErrCodeSpent: the code was used already or has expired; only a new
	// code helps.
	ErrCodeSpent = errors.New("the verification code is used or expired")
)

// Identity types of the authorization_code grant.
const (
	IdentEmail  = "email"
	IdentUserID = "user_id"
)

// PasswordlessLogin is one passwordless login under way.
type PasswordlessLogin struct {
	Request       Request
	Auth          client.Auth
	BearerChained bool
	// Connection is where the last code went ("email" or "sms"); "" for a
	// code issued for a user id.
	Connection string
	// LoginSessionID resends the same code; "" when the server gave none.
	LoginSessionID string
	// Sends counts the codes sent or resent; Attempts the wrong codes
	// given for the current one.
	Sends, Attempts int
	// issued is the code the server issued for a user id.
	issued string
	rn     *Runner
}

// BaseURL is the base URL of the server the login talks to; "" when it
// has no runner.
func (l *PasswordlessLogin) BaseURL() string {
	if l.rn == nil || l.rn.Client == nil {
		return ""
	}
	return l.rn.Client.BaseURL()
}

// Issued reports whether the code was issued for a user id (nothing was
// sent to anyone, nobody is asked for it).
func (l *PasswordlessLogin) Issued() bool { return l.Request.IdentType == IdentUserID }

// Destination says where the code went, for a person.
func (l *PasswordlessLogin) Destination() string {
	if l.Issued() {
		return "issued by the server for user " + textsafe.Sanitize(l.Request.Ident)
	}
	if l.Connection == client.ConnectionSMS {
		return "sent by SMS to the phone of " + textsafe.Sanitize(l.Request.Ident)
	}
	return "sent by e-mail to " + textsafe.Sanitize(l.Request.Ident)
}

// ActsAsProductionUser is the warning to confirm before a code is issued
// for a user of a production account (the token acts as that user); ""
// when the request needs no confirmation. The CLI and the TUI ask it.
func (r Request) ActsAsProductionUser() string {
	if r.Grant != client.GrantAuthorizationCode || r.IdentType != IdentUserID || !client.IsProduction(r.Account) {
		return ""
	}
	return fmt.Sprintf("a code issued for user %s acts as that user on the production account %s", textsafe.Sanitize(r.Ident), textsafe.Sanitize(r.Account))
}

// StartPasswordless gets the Bearer (chained from client credentials when
// that is how the user authenticates) and sends the first code, or has one
// issued for a user id.
func (rn *Runner) StartPasswordless(ctx context.Context, req Request) (*PasswordlessLogin, error) {
	req = req.Normalized()
	req.NoteSecrets(rn.Client.Redactor())
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.Grant != client.GrantAuthorizationCode {
		return nil, fmt.Errorf("%w: a passwordless login is the authorization_code grant, not %s", client.ErrInvalidInput, req.Grant)
	}
	auth, chained, err := rn.authFor(ctx, req)
	if err != nil {
		return nil, err
	}
	l := &PasswordlessLogin{Request: req, Auth: auth, BearerChained: chained, rn: rn}
	if l.Issued() {
		code, err := rn.Client.PasswordlessCode(ctx, req.Account, auth, req.Audience, req.ClientID, req.Ident)
		if err != nil {
			return nil, fmt.Errorf("issuing a code for the user: %w", err)
		}
		l.issued = code
		return l, nil
	}
	if req.VerificationCode != "" {
		// Continuing with a code sent by an earlier run: nothing to send.
		return l, nil
	}
	return l, l.SendNew(ctx, req.Connection)
}

// SendNew sends a new code over connection ("" keeps the last one).
func (l *PasswordlessLogin) SendNew(ctx context.Context, connection string) error {
	return l.send(ctx, connection, "")
}

// Resend sends the code already sent again, over connection (the other
// one: "send by SMS instead"). Without a login session it sends a new one.
func (l *PasswordlessLogin) Resend(ctx context.Context, connection string) error {
	return l.send(ctx, connection, l.LoginSessionID)
}

func (l *PasswordlessLogin) send(ctx context.Context, connection, session string) error {
	if l.Issued() {
		return fmt.Errorf("%w: a code issued for a user id is not sent", client.ErrInvalidInput)
	}
	if connection == "" {
		connection = l.Connection
	}
	if connection == "" {
		connection = client.ConnectionEmail
	}
	r := l.Request
	call := func() (*client.PasswordlessAnswer, error) {
		return l.rn.Client.Passwordless(ctx, r.Account, l.Auth, client.PasswordlessRequest{
			Audience: r.Audience, ClientID: r.ClientID, Connection: connection, Email: r.Ident, Type: r.CustomerType, LoginSessionID: session,
		})
	}
	ans, err := call()
	if err != nil && l.reauth(ctx, err) {
		ans, err = call()
	}
	if err != nil {
		return err
	}
	l.Connection = connection
	l.Sends++
	if session == "" {
		l.Attempts = 0
		l.LoginSessionID = ans.LoginSessionID
	}
	return nil
}

// Verify exchanges a verification code for the token. For a code issued
// for a user id, code may be "" (the issued one is used).
func (l *PasswordlessLogin) Verify(ctx context.Context, code string) (*Result, error) {
	rn := l.rn
	code = strings.TrimSpace(code)
	if code == "" {
		code = l.issued
	}
	if code == "" {
		return nil, fmt.Errorf("%w: the verification code is empty", client.ErrInvalidInput)
	}
	rn.Client.Redactor().Add(code)
	r := l.Request
	call := func() (*client.TokenResponse, error) {
		return rn.Client.Token(ctx, r.Account, l.Auth, client.TokenRequest{
			Grant: client.GrantAuthorizationCode, Audience: r.Audience,
			IdentType: r.IdentType, Ident: r.Ident, VerificationCode: code, Extra: r.Extra,
		})
	}
	res, err := call()
	if err != nil && l.reauth(ctx, err) {
		res, err = call()
	}
	if err != nil {
		return nil, l.refused(err)
	}
	l.issued = ""
	return newResult(r, res, l.Auth, l.BearerChained, false), nil
}

// reauth renews a chained Bearer the server refused (401): a person may
// sit at the code screen longer than the client token lives. It reports
// whether there is a new one to try again with.
func (l *PasswordlessLogin) reauth(ctx context.Context, err error) bool {
	var apiErr *client.APIError
	if !l.BearerChained || !errors.As(err, &apiErr) || apiErr.Status != 401 {
		return false
	}
	auth, _, aerr := l.rn.authFor(ctx, l.Request)
	if aerr != nil {
		return false
	}
	l.Auth = auth
	return true
}

// refused sorts a refusal of a code: spent (used or expired: a new code is
// needed), wrong (try again), or anything else as it came.
func (l *PasswordlessLogin) refused(err error) error {
	var (
		apiErr *client.APIError
		rl     *client.RateLimitError
	)
	if !errors.As(err, &apiErr) || apiErr.ServerSide() || errors.As(err, &rl) || apiErr.Status == 401 || apiErr.Status == 403 {
		return err
	}
	if codeSpent(apiErr.Code, apiErr.Message) {
		return fmt.Errorf("%w: %w", ErrCodeSpent, err)
	}
	if apiErr.Status >= 400 && apiErr.Status < 500 {
		l.Attempts++
		return fmt.Errorf("%w: %w", ErrWrongVerificationCode, err)
	}
	return err
}

// codeSpent reports whether a refusal of a verification code says the
// code is used or expired (only a new code helps): the code screen and the
// timeline tell it from a wrong code by this one rule.
func codeSpent(code, message string) bool {
	text := strings.ToLower(code + " " + message)
	return strings.Contains(text, "expired") || strings.Contains(text, "used") || strings.Contains(text, "no verification code")
}

// PasswordlessPrompter asks a person for a verification code, and whether
// to send a new one when a code is spent.
type PasswordlessPrompter interface {
	// VerificationCode returns the code; io.EOF when there is none to give.
	VerificationCode(ctx context.Context, l *PasswordlessLogin, lastErr error) (string, error)
	// SendNewCode asks whether to send a new code after err (spent).
	SendNewCode(ctx context.Context, l *PasswordlessLogin, err error) bool
}

// NeedVerificationCodeError says the login waits for a code nobody gave.
type NeedVerificationCodeError struct {
	Login *PasswordlessLogin
	// Last is the refusal of the last code given, nil when none was.
	Last error
}

func (e *NeedVerificationCodeError) Error() string {
	return "the passwordless login needs the verification code " + e.Login.Destination()
}

// checkPasswordless lists what an authorization_code request lacks.
func (r Request) checkPasswordless() []Problem {
	var out []Problem
	switch r.IdentType {
	case IdentEmail:
		if strings.TrimSpace(r.Ident) == "" {
			out = append(out, Problem{"ident", "the customer's e-mail is required"})
		}
		switch r.Connection {
		case "", client.ConnectionEmail, client.ConnectionSMS:
		default:
			out = append(out, Problem{"connection", fmt.Sprintf("connection %q is not email or sms", textsafe.Sanitize(r.Connection))})
		}
		switch r.CustomerType {
		case "", client.CustomerTypeCustomer, client.CustomerTypeCompany:
		default:
			out = append(out, Problem{"customer-type", fmt.Sprintf("customer type %q is not customer or company", textsafe.Sanitize(r.CustomerType))})
		}
	case IdentUserID:
		if strings.TrimSpace(r.Ident) == "" {
			out = append(out, Problem{"user-id", "the user id is required"})
		}
	case "":
		if r.Code != "" || r.RedirectURI != "" {
			// Saved by an older version: never sent in that shape.
			out = append(out, Problem{"ident", "this is the old authorization_code (an OAuth code and redirect_uri), which Dintero refuses: authorization_code is its passwordless login now; edit it to give the customer's e-mail or a user id (or use the oidc grant for an identity provider's code)"})
			break
		}
		out = append(out, Problem{"ident", "the customer's e-mail or a user id is required (authorization_code is Dintero's passwordless login)"})
	default:
		out = append(out, Problem{"ident", fmt.Sprintf("ident type %q is not email or user_id", textsafe.Sanitize(r.IdentType))})
	}
	if r.ClientID == "" {
		out = append(out, Problem{"client-id", "client id is required (the passwordless endpoints name the client)"})
	}
	return out
}
