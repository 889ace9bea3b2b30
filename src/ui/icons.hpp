// icons.hpp: Font Awesome 4.7 code points (Debian's fonts-font-awesome), as UTF-8
// strings to splice into labels: ICON_USERS " Customers". The icon font is merged into
// the body fonts, so an icon and text share one label.
#pragma once

#define ICON_MIN_FA 0xf000
#define ICON_MAX_FA 0xf2e0

#define ICON_TACHOMETER "\xef\x83\xa4"    // f0e4 Overview
#define ICON_USERS "\xef\x83\x80"         // f0c0 Customers
#define ICON_PIE_CHART "\xef\x88\x80"     // f200 Segments
#define ICON_SMILE "\xef\x84\x98"         // f118 NPS
#define ICON_USER_TIMES "\xef\x88\xb5"    // f235 Churn
#define ICON_DIAMOND "\xef\x88\x99"       // f219 Value
#define ICON_DATABASE "\xef\x87\x80"      // f1c0 Data
#define ICON_GRADUATION "\xef\x86\x9d"    // f19d Learn
#define ICON_HANDSHAKE "\xef\x8a\xb5"     // f2b5 brand
#define ICON_MOON "\xef\x86\x86"          // f186
#define ICON_SUN "\xef\x86\x85"           // f185
#define ICON_CHECK_CIRCLE "\xef\x81\x98"  // f058
#define ICON_EXCLAMATION "\xef\x81\xaa"   // f06a exclamation-circle
#define ICON_MICROCHIP "\xef\x8b\x9b"     // f2db
#define ICON_CLOCK "\xef\x80\x97"         // f017
#define ICON_UPLOAD "\xef\x82\x93"        // f093
#define ICON_DOWNLOAD "\xef\x80\x99"      // f019
#define ICON_ARROW_RIGHT "\xef\x81\xa1"   // f061
#define ICON_LOCK "\xef\x80\xa3"          // f023
#define ICON_FILE_TEXT "\xef\x85\x9c"     // f15c
#define ICON_INFO_CIRCLE "\xef\x81\x9a"   // f05a
#define ICON_HDD "\xef\x82\xa0"           // f0a0
#define ICON_KEYBOARD "\xef\x84\x9c"      // f11c
#define ICON_MAGIC "\xef\x83\x90"         // f0d0
#define ICON_TRASH "\xef\x87\xb8"         // f1f8
#define ICON_TIMES "\xef\x80\x8d"         // f00d
#define ICON_ARROW_UP "\xef\x81\xa2"      // f062
#define ICON_ARROW_DOWN "\xef\x81\xa3"    // f063
#define ICON_FILTER "\xef\x82\xb0"        // f0b0
#define ICON_PLAY "\xef\x81\x8b"          // f04b
#define ICON_SAVE "\xef\x83\x87"          // f0c7 floppy
#define ICON_REFRESH "\xef\x80\xa1"       // f021
#define ICON_SITEMAP "\xef\x83\xa8"       // f0e8 dendrogram
#define ICON_TH "\xef\x80\x8a"            // f00a grid
#define ICON_BAR_CHART "\xef\x82\x80"     // f080
#define ICON_TAGS "\xef\x80\xac"          // f02c segments
#define ICON_EYE "\xef\x81\xae"           // f06e show
#define ICON_CROSSHAIRS "\xef\x81\x9b"    // f05b selection
