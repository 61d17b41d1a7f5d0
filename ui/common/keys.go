package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key the workbench knows. The bindings are a contract
// others drive the app by; see the README.
type KeyMap struct {
	Up, Down      key.Binding
	Left, Right   key.Binding
	Select        key.Binding
	Next, Prev    key.Binding
	Back          key.Binding
	Help          key.Binding
	Quit          key.Binding
	ForceQuit     key.Binding
	Reveal        key.Binding
	Toggle        key.Binding
	Edit          key.Binding
	NewRequest    key.Binding
	Refresh       key.Binding
	CopyToken     key.Binding
	CopyHeader    key.Binding
	CopyRefresh   key.Binding
	RawJSON       key.Binding
	SMS, Email    key.Binding
	NewCode       key.Binding
	SwitchChannel key.Binding
	Confirm, Deny key.Binding
	Add           key.Binding
	Duplicate     key.Binding
	Delete        key.Binding
	Filter        key.Binding
	SaveProfile   key.Binding
	Log           key.Binding
	Inspect       key.Binding
	Timeline      key.Binding
	ExportHAR     key.Binding
	ClearInput    key.Binding
	// Issue 11 and 12: recovery, revoke, the doctor and support bundles.
	Recover  key.Binding
	Revoke   key.Binding
	Diagnose key.Binding
	Bundle   key.Binding
	// WholeSession switches a bundle between its case and the session.
	WholeSession key.Binding
	// Home runs any of its first nine items in one key, and logs in again
	// only when asked.
	RunNth   key.Binding
	NewLogin key.Binding
}

// DefaultKeyMap is the workbench's key map.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:          key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "scroll left")),
		Right:         key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "scroll right")),
		Select:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
		Next:          key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:          key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "prev field")),
		Back:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:          key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Reveal:        key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide secret")),
		Toggle:        key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
		Edit:          key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		NewRequest:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new request")),
		Refresh:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		CopyToken:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy token")),
		CopyHeader:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "copy header")),
		CopyRefresh:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "copy refresh token")),
		RawJSON:       key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "raw JSON")),
		SMS:           key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "send by SMS")),
		Email:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "send by e-mail")),
		NewCode:       key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "send a new code")),
		SwitchChannel: key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", "switch channel")),
		Confirm:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Deny:          key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Add:           key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Duplicate:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "duplicate")),
		Delete:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete")),
		Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		SaveProfile:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save as profile")),
		Log:           key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "HTTP log")),
		Inspect:       key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "inspect a JWT")),
		Timeline:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "MFA timeline")),
		ExportHAR:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write HAR")),
		ClearInput:    key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		Recover:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "lost device")),
		Revoke:        key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "revoke refresh token")),
		Diagnose:      key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "diagnose user")),
		Bundle:        key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "support bundle")),
		WholeSession:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "whole session")),
		RunNth:        key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "run item")),
		NewLogin:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "new login")),
	}
}

// Bindings is a help.KeyMap built for one screen at one moment.
type Bindings struct {
	Short []key.Binding
	Full  [][]key.Binding
}

func (b Bindings) ShortHelp() []key.Binding  { return b.Short }
func (b Bindings) FullHelp() [][]key.Binding { return b.Full }
