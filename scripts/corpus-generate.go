// SPDX-License-Identifier: GPL-2.0-or-later
//
// The OCI runtime-tools generator's default config on stdout: what
// `oci-runtime-tool generate` writes without options.  Debian ships
// runtime-tools as a Go library only; scripts/corpus.sh builds this in
// GOPATH mode against /usr/share/gocode.

package main

import (
	"fmt"
	"os"

	"github.com/opencontainers/runtime-tools/generate"
)

func main() {
	g, err := generate.New("linux")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := g.Save(os.Stdout, generate.ExportOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
