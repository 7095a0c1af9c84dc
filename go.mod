module github.com/onetrainer-launcher/onetrainer-launcher

go 1.26.8

require (
	github.com/rogpeppe/go-internal v1.16.0
	github.com/u-root/gobusybox/src v0.3.0
	golang.org/x/sys v0.50.0
)

require golang.org/x/tools v0.43.0 // indirect
