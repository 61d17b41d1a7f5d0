package ui

import "github.com/tokenbench/tokenbench/flows"

// checkCode is why a binding code cannot be sent as it is, or "": a code
// is digits only, and one that is not would only use up an attempt. The
// code itself is not repeated (it is a secret of the flow).
func checkCode(code string) string {
	switch err := flows.CheckBindingCode(code); {
	case err == nil:
		return ""
	case code == "":
		return "type the code the user received"
	}
	return "a binding code is digits only: nothing was sent; check the code and type or paste it again"
}
