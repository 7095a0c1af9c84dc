module github.com/onetrainer-launcher/onetrainer-launcher

go 1.26.8

require (
	github.com/u-root/gobusybox/src v0.3.0
	golang.org/x/sys v0.50.0
)
