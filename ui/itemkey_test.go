package ui

import "strings"

// heldName is the name the session holds the token of the home item
// written as key ("profile:NAME", "conn:N") under: tests name items so.
func heldName(key string) string {
	if name, ok := strings.CutPrefix(key, "profile:"); ok {
		return profileKey(name).held()
	}
	return key
}
