# The x86_64 test kernel: a 32-bit multiboot (v1) ELF, loaded by QEMU's `-kernel` on q35 and pc.
#
# It writes to COM1 (which the profiles connect to stdout with -serial stdio):
#   qemuc-test-kernel: x86_64 up
#   cmdline: <the multiboot command line, byte for byte>
#   qemuc-test-kernel: exit 42
# and then writes 42 to the isa-debug-exit port 0xf4, so QEMU exits with (42 << 1) | 1 = 85.
# QEMU's multiboot command line is the kernel's path, a space, then -append's value. Entered by
# anything but a multiboot loader, it prints `qemuc-test-kernel: not multiboot` instead of the
# command line.
#
# If the command line contains `qemuc-test.hold`, it prints `qemuc-test-kernel: holding` instead
# of exiting and halts until QEMU is killed: the tests that need a running guest use this.
#
# Built by tests/e2e/meson.build: as --32, then ld -m elf_i386 -z max-page-size=0x1000 with
# x86_64.ld, which puts the multiboot header first: at file offset 0x1000, inside the first 8 KiB
# where the loader looks for it.

        .set MULTIBOOT_MAGIC, 0x1badb002
        .set MULTIBOOT_FLAGS, 0                 # no requests: an ELF needs no address fields
        .set MULTIBOOT_BOOTED, 0x2badb002       # in %eax when a multiboot loader jumps to us
        .set MULTIBOOT_INFO_CMDLINE, 1 << 2     # the info's flags bit for a valid cmdline field
        .set COM1_DATA, 0x3f8
        .set COM1_LINE_STATUS, 0x3fd
        .set LINE_STATUS_THR_EMPTY, 0x20        # the transmitter can take another byte
        .set LINE_STATUS_IDLE, 0x40             # ... and has sent every byte
        .set DEBUG_EXIT_PORT, 0xf4              # -device isa-debug-exit,iobase=0xf4
        .set EXIT_VALUE, 42

        .section .multiboot, "a"
        .balign 4
        .long MULTIBOOT_MAGIC, MULTIBOOT_FLAGS, -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

        .text
        .code32
        .globl _start
# Entered in 32-bit protected mode, paging off, with %ebx pointing at the multiboot info.
_start:
        cli
        mov $stack_top, %esp
        mov %ebx, %ebp                          # the multiboot info, kept across calls
        mov %eax, %edi                          # the loader's magic, kept across puts

        mov $banner, %esi
        call puts

        cmp $MULTIBOOT_BOOTED, %edi
        je 1f
        mov $not_multiboot, %esi                # %ebx means nothing: print no command line
        call puts
        jmp exit
1:      mov $cmdline_label, %esi
        call puts
        mov $empty, %esi                        # no cmdline field: print an empty one
        testl $MULTIBOOT_INFO_CMDLINE, (%ebp)
        jz 1f
        mov 16(%ebp), %esi                      # multiboot_info.cmdline
1:      mov %esi, %edi                          # kept for the hold check
        call puts
        mov $newline, %esi
        call puts

        mov $hold_word, %esi
        call contains                           # does the cmdline at %edi hold the word?
        jnz hold

exit:
        mov $exit_message, %esi
        call puts
        mov $COM1_LINE_STATUS, %dx              # let the UART send the last byte first
1:      in %dx, %al
        test $LINE_STATUS_IDLE, %al
        jz 1b
        mov $EXIT_VALUE, %al
        out %al, $DEBUG_EXIT_PORT
        jmp halt                                # only reached without isa-debug-exit

hold:
        mov $hold_message, %esi
        call puts
halt:
        hlt
        jmp halt

# Writes the byte in %bl to COM1 once the transmitter is ready. Clobbers %eax, %edx.
putc:
        mov $COM1_LINE_STATUS, %dx
1:      in %dx, %al
        test $LINE_STATUS_THR_EMPTY, %al
        jz 1b
        mov $COM1_DATA, %dx
        mov %bl, %al
        out %al, %dx
        ret

# Writes the NUL-terminated string at %esi. Clobbers %eax, %ebx, %edx, %esi.
puts:
1:      movb (%esi), %bl
        test %bl, %bl
        jz 2f
        call putc
        inc %esi
        jmp 1b
2:      ret

# Sets ZF to 0 if the NUL-terminated string at %edi contains the one at %esi, to 1 if not.
# Clobbers %eax, %ebx, %ecx, %edx.
contains:
        mov %edi, %ecx                          # where the current attempt starts
1:      xor %edx, %edx                          # offset into both strings
2:      movb (%esi,%edx), %al
        test %al, %al
        jz 4f                                   # the whole word matched
        movb (%ecx,%edx), %bl
        cmp %al, %bl
        jne 3f
        inc %edx
        jmp 2b
3:      cmpb $0, (%ecx)                         # no match here: the next start, if any
        je 5f
        inc %ecx
        jmp 1b
4:      or $1, %eax                             # found: ZF = 0
        ret
5:      xor %eax, %eax                          # not found: ZF = 1
        ret

        .section .rodata
banner:         .asciz "qemuc-test-kernel: x86_64 up\n"
cmdline_label:  .asciz "cmdline: "
newline:        .asciz "\n"
empty:          .asciz ""
hold_word:      .asciz "qemuc-test.hold"
hold_message:   .asciz "qemuc-test-kernel: holding\n"
exit_message:   .asciz "qemuc-test-kernel: exit 42\n"
not_multiboot:  .asciz "qemuc-test-kernel: not multiboot\n"

        .bss
        .balign 16
        .skip 4096
stack_top:
