//go:build windows

package profiles

import "io/fs"

// looseMode is false on Windows: it has no group/other mode bits (Go
// reports 0666 for every writable file), and the config directory under
// %AppData% is private to the user by its ACL.
func looseMode(fs.FileInfo) bool { return false }

// ownedByMe is true on Windows: the temp directory is the user's own.
func ownedByMe(fs.FileInfo) bool { return true }

// ownershipKnown is false on Windows: Go's file info has no owner there,
// and its mode bits say nothing of who else may write (ACLs do); the
// profiles file is not checked (see Store.CheckTrust).
const ownershipKnown = false

func changeableByOthers(fs.FileInfo, bool) (string, bool) { return "", false }
