"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * After a client-side navigation, focus the new page's heading (or its <main>), so a keyboard
 * or screen-reader user starts at the top of the new page instead of on <body>. Not on the
 * first load: the browser starts there anyway.
 */
export function RouteFocus() {
  const pathname = usePathname();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // The new page's content is committed in the same render; focus it once painted.
    const id = requestAnimationFrame(() => {
      const target = document.querySelector<HTMLElement>("main h1") ?? document.getElementById("main");
      if (target && !target.contains(document.activeElement)) {
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: false });
      }
    });
    return () => cancelAnimationFrame(id);
  }, [pathname]);
  return null;
}
