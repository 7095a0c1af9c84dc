module github.com/onetrainer-launcher/onetrainer-launcher

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/jaypipes/ghw v0.27.0
	github.com/jaypipes/pcidb v1.1.1
	github.com/rogpeppe/go-internal v1.16.0
	github.com/u-root/gobusybox/src v0.3.0
	golang.org/x/sys v0.50.0
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/go-ole/go-ole v1.2.6 // indirect
	github.com/yusufpapurcu/wmi v1.2.4 // indirect
	golang.org/x/tools v0.43.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	howett.net/plist v1.0.2-0.20250314012144-ee69052608d9 // indirect
)
