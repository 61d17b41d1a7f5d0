//go:build !windows

package profiles

import "io/fs"

// looseMode reports whether group or others may read or write the file.
func looseMode(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }
