// Package common is what every screen of the workbench shares: the
// Context (size, styles, keys and the injected dependencies tests swap),
// the Page interface and its named optional interfaces, the navigation
// messages a page sends the root, and the text helpers of a screen.
package common

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/session"
)

// Connection is a ready-made request the home screen offers (the demo's
// connections; saved profiles later).
type Connection struct {
	Name        string
	Description string
	BaseURL     string
	Request     flows.Request
	Channel     client.Channel
	// AutoRefresh refreshes a token held for the connection before it
	// expires, as a profile's auto_refresh does.
	AutoRefresh bool
}

// OutboxMessage is a message the demo server would have sent by SMS or
// e-mail, shown on the MFA screen because nothing is really sent.
type OutboxMessage struct {
	At      time.Time
	Channel string
	To      string
	Text    string
}

// Context is shared by every screen: size, styles, keys, and the injected
// dependencies that tests swap.
type Context struct {
	Width, Height int
	Styles        Styles
	Keys          KeyMap
	// Now is the clock of every countdown and relative time.
	Now func() time.Time
	// Tick schedules a message after d (tea.Tick); tests replace it.
	Tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	// NewRunner builds a flow runner for a base URL.
	NewRunner func(baseURL string) (*flows.Runner, error)
	// Clipboard copies tokens; see NewClipboard.
	Clipboard Clipboard
	// ClearAfter is how long a copied secret stays on the clipboard; 0 keeps
	// it.
	ClearAfter time.Duration
	// Connections are offered on the home screen.
	Connections []Connection
	// Outbox, in demo mode, returns the fake server's messages for a user
	// of a request to baseURL: none when baseURL is not the demo server's
	// (another server's codes are not in it). See DemoOutbox.
	Outbox func(baseURL, username string) []OutboxMessage
	// OpenURL opens a URL in the browser (an OIDC browser login); nil
	// when there is none, and the URL is only shown.
	OpenURL func(url string) error
	// DefaultBaseURL pre-fills the form.
	DefaultBaseURL string
	// Recorder keeps every HTTP exchange of the session, redacted.
	Recorder *record.Recorder
	// Redactor knows every secret the session's clients sent or received
	// (the recorder and the clients share it); a support bundle is passed
	// through it.
	Redactor *record.Redactor
	// WriteBundle writes a support bundle and returns its absolute path
	// (bundle.Write; tests write somewhere of their own).
	WriteBundle func(path string, in bundle.Input) (string, error)
	// Store and Secrets keep profiles; nil in the demo, which saves nothing.
	Store   *profiles.Store
	Secrets *profiles.Secrets
	// Session holds the tokens, their auto-refresh and profile saving, with
	// the CLI's rules; New makes one over Store and Secrets when nil.
	Session *session.Service
	// Version is the tool version a support bundle names.
	Version string

	requests int // see nextID
	// KeyringMissing: the OS keyring did not answer when the workbench
	// started, so tokens cannot be kept across restarts.
	KeyringMissing bool
}

// NewContext returns a Context with production defaults.
func NewContext() *Context {
	rd := &record.Redactor{}
	rec := &record.Recorder{Redactor: rd}
	return &Context{
		Recorder: rec, Redactor: rd, WriteBundle: bundle.Write,
		Width: 80, Height: 24,
		Styles:         DefaultStyles(true),
		Keys:           DefaultKeyMap(),
		Now:            time.Now,
		Tick:           tea.Tick,
		ClearAfter:     45 * time.Second,
		DefaultBaseURL: client.DefaultBaseURL,
		NewRunner: func(baseURL string) (*flows.Runner, error) {
			c, err := client.New(client.Options{BaseURL: baseURL, UserAgent: "tokenbench/tui", Recorder: rec, Redactor: rd})
			if err != nil {
				return nil, err
			}
			return flows.NewRunner(c), nil
		},
	}
}

// RedactFunc masks the secrets the session knows in text a server sent,
// for a screen that shows it; nil when the Context has no redactor.
func (c *Context) RedactFunc() func(string) string {
	if c.Redactor == nil {
		return nil
	}
	return c.Redactor.Redact
}
