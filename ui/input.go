package ui

import "charm.land/bubbles/v2/textinput"

// newInput is a text input without a prompt and with a static cursor: no
// blink timer runs (and redraws) while the user reads.
func newInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	staticCursor(&in)
	return in
}

// staticCursor stops in's cursor from blinking.
func staticCursor(in *textinput.Model) {
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
}
