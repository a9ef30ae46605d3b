// The aarch64 test kernel: a bare ELF for QEMU's virt machine, loaded by `-kernel`.
//
// It writes to the PL011 UART at 0x09000000 (connected to stdout by -serial stdio):
//   qemuc-test-kernel: aarch64 up
//   qemuc-test-kernel: power off
// and then asks PSCI for SYSTEM_OFF, so QEMU exits with status 0. The conduit depends on where
// the CPU starts: with -machine virtualization=true it starts at EL2 and QEMU takes PSCI calls
// on `smc` (an `hvc` would trap to our own EL2); without it, under TCG or KVM, at EL1 with PSCI
// on `hvc`. Any exception prints `qemuc-test-kernel: exception` and halts, so that a fault shows
// on stdout instead of a silent hang.
//
// QEMU passes a bare ELF no command line in registers; the device tree at the start of RAM has
// it in /chosen/bootargs, which this kernel does not read.
//
// Built by tests/e2e/meson.build: aarch64-linux-gnu-as, then aarch64-linux-gnu-ld with aarch64.ld.

        .set UART_BASE, 0x09000000
        .set UART_DATA, 0x00                    // UARTDR
        .set UART_FLAGS, 0x18                   // UARTFR
        .set UART_FLAGS_BUSY_BIT, 3             // UARTFR.BUSY: still sending
        .set UART_FLAGS_TX_FULL_BIT, 5          // UARTFR.TXFF
        .set CURRENT_EL_2, 2 << 2               // CurrentEL at EL2
        .set PSCI_SYSTEM_OFF, 0x84000008

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

// Writes the NUL-terminated string at x2 to the UART at x1. Clobbers w3, w4, x2.
puts:
        ldrb w3, [x2], #1
        cbz w3, 2f
1:      ldr w4, [x1, #UART_FLAGS]
        tbnz w4, #UART_FLAGS_TX_FULL_BIT, 1b
        str w3, [x1, #UART_DATA]
        b puts
2:      ret

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
exception_message: .asciz "qemuc-test-kernel: exception\n"
