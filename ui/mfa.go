package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"

	"charm.land/bubbles/v2/textinput"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/flows/tokeninfo"
)

type mfaPhase int

const (
	mfaChoose    mfaPhase = iota // pick sms or e-mail
	mfaSending                   // challenge in flight
	mfaCode                      // waiting for the binding code
	mfaVerifying                 // mfa-oob in flight
	mfaDead                      // the mfa_token expired: start over
)

// mfaModel walks through challenge → binding code → mfa-oob.
type mfaModel struct {
	session *flows.MFASession
	phase   mfaPhase
	choice  menu
	input   textinput.Model
	err     string
}

func newMFA(s *flows.MFASession, preferred client.Channel) mfaModel {
	in := newInput("the code received", 12)
	in.SetWidth(14)
	m := mfaModel{session: s, input: in, choice: menu{items: []menuItem{
		{title: "SMS", desc: "to the phone number on the user"},
		{title: "e-mail", desc: "to the user's e-mail address"},
	}}}
	if preferred == client.ChannelEmail {
		m.choice.cursor = 1
	}
	return m
}

func (m *mfaModel) chosen() client.Channel {
	if m.choice.cursor == 1 {
		return client.ChannelEmail
	}
	return client.ChannelSMS
}

func channelName(c client.Channel) string {
	if c == client.ChannelEmail {
		return "e-mail"
	}
	return "SMS"
}

func (m *mfaModel) view(ctx *Context, spin string) string {
	s := ctx.Styles
	w := ctx.Width - 2
	sess := m.session
	var b strings.Builder
	b.WriteString(s.Warn.Render("Multi-factor authentication required") + "\n")
	who := sess.Request.Username
	if who == "" {
		who = "this user"
	}
	b.WriteString(wrap(s.Muted, fmt.Sprintf("The server answered 403 mfa_required for %s. A code goes to the user by SMS or e-mail; type it here to finish the sign-in.", who), w) + "\n\n")
	b.WriteString(s.Label.Render("mfa_token") + " " + tokeninfo.Fingerprint(sess.MFAToken) + "\n")
	if sess.Challenged() {
		b.WriteString(s.Label.Render("oob_code") + " " + tokeninfo.Fingerprint(sess.OOBCode) + "\n")
	}
	b.WriteString("\n")
	switch m.phase {
	case mfaChoose:
		b.WriteString("Send the code by:\n\n" + m.choice.view(s, w, 6) + "\n")
	case mfaSending:
		b.WriteString(spin + " sending a code by " + channelName(m.chosen()) + "…\n")
	case mfaCode, mfaVerifying:
		fmt.Fprintf(&b, "A code was sent by %s (challenge %d).  Attempts left: %d\n\n", channelName(sess.Channel), sess.Challenges, sess.AttemptsLeft())
		b.WriteString(s.Cursor.Render("› ") + s.Label.Render("Code") + " " + m.input.View() + "\n")
		if m.phase == mfaVerifying {
			b.WriteString(spin + " checking the code…\n")
		}
	case mfaDead:
		b.WriteString(s.Error.Render("This MFA session has expired.") + " Press esc and send the request again.\n")
	}
	if m.err != "" {
		b.WriteString("\n" + wrap(s.Error, "✗ "+m.err, w) + "\n")
	}
	if ctx.Outbox != nil && sess.Challenged() {
		if msgs := ctx.Outbox(sess.Request.Username); len(msgs) > 0 {
			last := msgs[len(msgs)-1]
			text := fmt.Sprintf("%s to %s at %s:\n%s", last.Channel, last.To, last.At.In(ctx.Now().Location()).Format("15:04:05"), last.Text)
			b.WriteString("\n" + s.Notice.Width(w).Render(s.Warn.Render("Demo outbox")+" (nothing is really sent)\n"+client.Sanitize(text)))
		}
	}
	return b.String()
}

func (m *mfaModel) keys(k KeyMap) bindings {
	switch m.phase {
	case mfaChoose:
		return bindings{short: []key.Binding{k.Up, k.Down, k.Select, k.Back, k.ForceQuit}}
	case mfaCode:
		short := []key.Binding{withHelp(k.Select, "verify"), k.NewCode, k.SwitchChannel, k.Back, k.ForceQuit}
		return bindings{short: short, full: [][]key.Binding{short}}
	}
	return bindings{short: []key.Binding{withHelp(k.Back, "cancel"), k.ForceQuit}}
}

// withHelp is b with another description, for a screen where it means
// something more specific.
func withHelp(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}
