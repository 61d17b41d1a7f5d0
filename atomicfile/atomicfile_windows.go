//go:build windows

package atomicfile

import (
	"os"

	"golang.org/x/sys/windows"
)

// WriteFile replaces path with data atomically. renameio has no
// Windows support; MoveFileEx with MOVEFILE_REPLACE_EXISTING replaces the
// file in one step, and MOVEFILE_WRITE_THROUGH returns only once the move
// is on disk. Windows has no mode bits: the file is private by the ACL of
// the user's profile directory.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return writeViaTemp(path, data, perm, moveFileEx)
}

func moveFileEx(from, to string) error {
	fromW, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	toW, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(fromW, toW, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}
