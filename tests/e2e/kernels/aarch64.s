// The aarch64 test kernel: a bare ELF for QEMU's virt machine, loaded by `-kernel`.
//
// It writes to the PL011 UART at 0x09000000 (connected to stdout by -serial stdio):
//   qemuc-test-kernel: aarch64 up
//   cmdline: <the device tree's /chosen/bootargs, which QEMU sets from -append, byte for byte>
//   qemuc-test-kernel: power off
// and then asks PSCI for SYSTEM_OFF, so QEMU exits with status 0. The conduit depends on where
// the CPU starts: with -machine virtualization=true it starts at EL2 and QEMU takes PSCI calls
// on `smc` (an `hvc` would trap to our own EL2); without it, under TCG or KVM, at EL1 with PSCI
// on `hvc`. Any exception prints `qemuc-test-kernel: exception` and halts, so that a fault shows
// on stdout instead of a silent hang.
//
// With `qemuc-test.exit` in its command line it ends through Arm semihosting instead, for the
// tests of an exit status: it writes `qemuc-test-kernel: exit 85` in place of the power-off line,
// then calls SYS_EXIT (HLT #0xF000) with the reason ADP_Stopped_ApplicationExit and the subcode
// 85, which QEMU makes its exit status. That needs `-semihosting-config enable=on,target=native`;
// without it the HLT is an exception. Semihosting works at EL2 and EL1 alike.
//
// QEMU passes a bare ELF nothing in registers, but puts the device tree at the start of RAM
// (0x40000000, below this kernel). Without -append, or with an empty one, there is no bootargs
// and the cmdline line is empty; without a device tree it says `cmdline: (no device tree)`.
//
// Built by tests/e2e/meson.build: aarch64-linux-gnu-as, then aarch64-linux-gnu-ld with aarch64.ld.

        .set UART_BASE, 0x09000000
        .set UART_DATA, 0x00                    // UARTDR
        .set UART_FLAGS, 0x18                   // UARTFR
        .set UART_FLAGS_BUSY_BIT, 3             // UARTFR.BUSY: still sending
        .set UART_FLAGS_TX_FULL_BIT, 5          // UARTFR.TXFF
        .set CURRENT_EL_2, 2 << 2               // CurrentEL at EL2
        .set PSCI_SYSTEM_OFF, 0x84000008
        .set SEMIHOSTING_SYS_EXIT, 0x18
        .set ADP_STOPPED_APPLICATION_EXIT, 0x20026
        .set SEMIHOSTING_EXIT_STATUS, 85
        .set DEVICE_TREE, 0x40000000            // where QEMU's virt puts it for a bare ELF
        .set FDT_MAGIC, 0xd00dfeed              // the header's fields are big-endian
        .set FDT_OFF_DT_STRUCT, 8
        .set FDT_OFF_DT_STRINGS, 12
        .set FDT_BEGIN_NODE, 1                  // the structure block's tokens
        .set FDT_END_NODE, 2
        .set FDT_PROP, 3
        .set FDT_NOP, 4

        .text
        .globl _start
_start:
        ldr x1, =UART_BASE
        adr x0, vectors
        mrs x5, CurrentEL
        cmp x5, #CURRENT_EL_2
        b.ne 1f
        msr vbar_el2, x0
        b 2f
1:      msr vbar_el1, x0
2:      isb

        adr x2, banner
        bl puts
        adr x2, cmdline_label
        bl puts
        bl print_bootargs
        adr x2, newline
        bl puts
        mov x6, x19
        adr x7, exit_word
        bl contains
        b.eq semihosting_exit
        adr x2, power_off_message
        bl puts
        bl drain

        ldr x0, =PSCI_SYSTEM_OFF
        cmp x5, #CURRENT_EL_2
        b.ne 3f
        smc #0
        b halt
3:      hvc #0
halt:                                           // only reached if PSCI did not power off
        wfi
        b halt

semihosting_exit:
        adr x2, exit_message
        bl puts
        bl drain
        mov x0, #SEMIHOSTING_SYS_EXIT
        adr x1, exit_block                      // AArch64's SYS_EXIT takes a parameter block
        hlt #0xf000
        b halt                                  // not reached: QEMU has exited

// Writes the NUL-terminated string at x2 to the UART at x1. Clobbers w3, w4, x2.
puts:
        ldrb w3, [x2], #1
        cbz w3, 2f
1:      ldr w4, [x1, #UART_FLAGS]
        tbnz w4, #UART_FLAGS_TX_FULL_BIT, 1b
        str w3, [x1, #UART_DATA]
        b puts
2:      ret

// Prints the value of /chosen/bootargs from the device tree (nothing if it has none), and leaves
// its address in x19 (0 if none). Walks the structure block token by token; every access is
// aligned, as it must be with the MMU off. Clobbers x2-x4, x6-x17.
print_bootargs:
        mov x17, x30
        mov x19, #0
        ldr x10, =DEVICE_TREE
        ldr w11, [x10]
        rev w11, w11
        ldr w12, =FDT_MAGIC
        cmp w11, w12
        b.ne 9f
        ldr w11, [x10, #FDT_OFF_DT_STRUCT]
        rev w11, w11
        add x13, x10, x11                       // x13: the next token
        ldr w11, [x10, #FDT_OFF_DT_STRINGS]
        rev w11, w11
        add x14, x10, x11                       // x14: the strings block
        mov x15, #0                             // x15: depth (the root node is at 1)
        mov x16, #0                             // x16: 1 while inside /chosen
1:      ldr w11, [x13], #4
        rev w11, w11
        cmp w11, #FDT_NOP
        b.eq 1b
        cmp w11, #FDT_BEGIN_NODE
        b.eq 2f
        cmp w11, #FDT_END_NODE
        b.eq 3f
        cmp w11, #FDT_PROP
        b.eq 4f
        b 8f                                    // FDT_END, or a token we do not know
2:      add x15, x15, #1                        // a node: its NUL-terminated name follows
        cmp x15, #2
        b.ne 5f
        mov x6, x13
        adr x7, chosen_name
        bl strings_equal
        cset x16, eq
5:      ldrb w11, [x13], #1                     // skip the name and its padding
        cbnz w11, 5b
        add x13, x13, #3
        and x13, x13, #~3
        b 1b
3:      sub x15, x15, #1                        // a node ends
        cmp x15, #1
        b.ne 1b
        cbnz x16, 8f                            // /chosen ended without bootargs
        b 1b
4:      ldr w11, [x13], #4                      // a property: length, name offset, value
        rev w11, w11
        ldr w12, [x13], #4
        rev w12, w12
        cmp x15, #2
        ccmp x16, #1, #0, eq                    // at depth 2 and inside /chosen?
        b.ne 6f
        add x6, x14, x12
        adr x7, bootargs_name
        bl strings_equal
        b.ne 6f
        mov x19, x13
        mov x2, x13                             // the value: a NUL-terminated string (QEMU
        bl puts                                 // writes it so; one without its NUL would end
                                                // at the next token, whose first byte is 0)
        b 8f
6:      add x13, x13, x11                       // skip the value and its padding
        add x13, x13, #3
        and x13, x13, #~3
        b 1b
9:      adr x2, no_device_tree
        bl puts
8:      mov x30, x17
        ret

// Sets the flags to `eq` if the NUL-terminated strings at x6 and x7 are equal. Clobbers x6-x9.
strings_equal:
        ldrb w8, [x6], #1
        ldrb w9, [x7], #1
        cmp w8, w9
        b.ne 1f
        cbnz w8, strings_equal
1:      ret

// Sets the flags to `eq` if the NUL-terminated string at x6 (none if x6 is 0) contains the one at
// x7, to `ne` if not. Clobbers x6, x8-x10.
contains:
        cbz x6, 4f
1:      mov x8, #0                              // offset into both strings
2:      ldrb w9, [x7, x8]
        cbz w9, 3f                              // the whole word matched
        ldrb w10, [x6, x8]
        cmp w9, w10
        b.ne 5f
        add x8, x8, #1
        b 2b
5:      ldrb w10, [x6], #1                      // no match here: the next start, if any
        cbnz w10, 1b
4:      mov x9, #1                              // not found: ne
        cmp x9, #0
        ret
3:      cmp x9, x9                              // found: eq
        ret

// Waits until the UART at x1 has sent every byte. Clobbers w4.
drain:
        ldr w4, [x1, #UART_FLAGS]
        tbnz w4, #UART_FLAGS_BUSY_BIT, drain
        ret

// Every exception, from every level and of every kind, ends here.
exception:
        ldr x1, =UART_BASE
        adr x2, exception_message
        bl puts
        b halt

        .balign 2048                            // VBAR's alignment
vectors:
        .rept 16                                // 4 kinds x 4 origins, 0x80 bytes apart
        b exception
        .balign 128
        .endr

        .section .rodata
banner:            .asciz "qemuc-test-kernel: aarch64 up\n"
power_off_message: .asciz "qemuc-test-kernel: power off\n"
cmdline_label:     .asciz "cmdline: "
newline:           .asciz "\n"
no_device_tree:    .asciz "(no device tree)"
chosen_name:       .asciz "chosen"
bootargs_name:     .asciz "bootargs"
exception_message: .asciz "qemuc-test-kernel: exception\n"
exit_word:         .asciz "qemuc-test.exit"
exit_message:      .asciz "qemuc-test-kernel: exit 85\n"
        .balign 8
exit_block:        .quad ADP_STOPPED_APPLICATION_EXIT, SEMIHOSTING_EXIT_STATUS
