package common

import "charm.land/bubbles/v2/textinput"

// NewInput is a text input without a prompt and with a static cursor: no
// blink timer runs (and redraws) while the user reads.
func NewInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	StaticCursor(&in)
	return in
}

// StaticCursor stops in's cursor from blinking.
func StaticCursor(in *textinput.Model) {
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
}
