// Command tokenbench is a terminal workbench for Dintero access tokens.
package main

import (
	"context"
	"os"

	"github.com/tokenbench/tokenbench/cli"
)

func main() {
	os.Exit(cli.Execute(context.Background(), os.Args[1:]))
}
