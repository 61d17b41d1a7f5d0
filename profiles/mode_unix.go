//go:build !windows

package profiles

import (
	"io/fs"
	"os"
	"syscall"
)

// looseMode reports whether group or others may read or write the file.
func looseMode(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }

// ownedByMe reports whether the file belongs to this process's user.
func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
